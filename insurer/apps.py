from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsurerConfig(AppConfig):
    name = "insurer"
    verbose_name = _("Assureur")
