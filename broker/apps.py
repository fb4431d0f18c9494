"""The broker's workspace: the claims of the clients whose policies the broker placed."""

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class BrokerConfig(AppConfig):
    name = "broker"
    verbose_name = _("Courtier")

    def ready(self):
        from incident_app.models import JournalEntry
        from incident_app.services import sweep

        from . import requests, summary

        # The portfolio's summary rows follow every change the journal records.
        post_save.connect(summary.on_journal_entry, sender=JournalEntry, dispatch_uid="broker")
        # Requests whose due date comes get reminders from the deadline sweep.
        sweep.add_housekeeping("requests_reminded", requests.remind_due)
