"""Recompute the portfolio's summary rows (completeness, next deadline, requests)."""

from django.core.management.base import BaseCommand

from incident_app.models import Incident

from ...summary import refresh


class Command(BaseCommand):
    help = "Recompute the portfolio's summary row of every incident, or of those named."

    def add_arguments(self, parser):
        parser.add_argument("references", nargs="*")

    def handle(self, *references, **options):
        incidents = Incident.objects.select_related("company", "policy").defer("playbook_snapshot")
        if references:
            incidents = incidents.filter(reference__in=references)
        count = 0
        for incident in incidents.iterator(chunk_size=200):
            refresh(incident)
            count += 1
        self.stdout.write(f"{count} incident(s) refreshed.")
