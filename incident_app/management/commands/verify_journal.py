"""Check the hash chain of every incident's journal (or of the ones named)."""

import sys

from django.core.management.base import BaseCommand

from incident_app.models import Incident, verify_chain
from incident_app.services import journal_watch


class Command(BaseCommand):
    help = (
        "Verifies the tamper-evident journal; exits 1 naming the first broken entry, the "
        "removed entries or the missing tail."
    )

    def add_arguments(self, parser):
        parser.add_argument("references", nargs="*", help="Incident references (default: all).")

    def handle(self, *args, references, **options):
        incidents = Incident.objects.order_by("pk")
        if references:
            incidents = incidents.filter(reference__in=references)
            missing = set(references) - set(incidents.values_list("reference", flat=True))
            if missing:
                self.stderr.write(f"Unknown incident: {', '.join(sorted(missing))}")
                sys.exit(2)
        broken = 0
        checked = 0
        for incident in incidents.iterator():
            checked += 1
            verdict = verify_chain(incident)
            if verdict is None:
                continue
            broken += 1
            self.stderr.write(journal_watch.describe(incident, verdict)[1])
        if broken:
            sys.exit(1)
        self.stdout.write(f"OK: {checked} journal(s) intact.")
