"""The read-only API and the webhooks of the organisations' own systems."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API et webhooks")

    def ready(self):
        # The incidents and the documents say what happened; the webhooks listen from here,
        # so the lower layers never import this package.
        from documents import signals as document_signals
        from incident_app import signals

        from .services import events

        signals.incident_declared.connect(events.on_incident_declared, dispatch_uid="api")
        signals.step_done.connect(events.on_step_done, dispatch_uid="api")
        signals.deadline_missed.connect(events.on_deadline_missed, dispatch_uid="api")
        signals.claim_state_changed.connect(events.on_claim_state_changed, dispatch_uid="api")
        document_signals.dossier_ready.connect(events.on_dossier_ready, dispatch_uid="api")
