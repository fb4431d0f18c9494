from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        # The deadline sweep also hands stuck renderings back to the worker.
        from incident_app.services import sweep

        from .services import dossier, rendering

        sweep.add_housekeeping("dossiers_resumed", dossier.resume_stuck)
        sweep.add_housekeeping("documents_resumed", rendering.resume_stuck)
