from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentAppConfig(AppConfig):
    name = "incident_app"
    verbose_name = _("Incidents")
