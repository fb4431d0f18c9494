"""Run the deadline sweep from the command line: once (--no-loop) or every interval."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from incident_app.services.sweep import run_sweep


class Command(BaseCommand):
    help = "Claims due reminders, writes their notifications and journal entries."

    def add_arguments(self, parser):
        parser.add_argument("--no-loop", action="store_true", help="Sweep once and exit.")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, no_loop, batch, **options):
        while True:
            result = run_sweep(batch=batch)
            self.stdout.write(
                f"claimed={result.claimed} notifications={result.notifications} "
                f"stale={result.stale} failed={result.failed} "
                f"redispatched={result.redispatched} duration_ms={result.duration_ms}"
            )
            if no_loop:
                return
            time.sleep(settings.RIPOSTE_SWEEP_INTERVAL_SECONDS)
