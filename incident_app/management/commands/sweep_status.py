"""Is the deadline sweep alive and on time? Last sweep, backlog, delivery lag percentiles."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from incident_app.services.sweep import status


def _seconds(value) -> str:
    return "—" if value is None else f"{value:.1f} s"


class Command(BaseCommand):
    help = "Prints the last sweep time, the backlog of due reminders and the delivery lag."

    def handle(self, *args, **options):
        now = timezone.now()
        data = status(now)
        last = data["last_sweep_at"]
        if last is None:
            self.stdout.write("last_sweep: never")
        else:
            age = (now - last).total_seconds()
            self.stdout.write(
                f"last_sweep: {last.isoformat()} ({age:.0f} s ago, {data['last_sweep_ms']} ms)"
            )
        self.stdout.write(f"backlog: {data['backlog']} due reminders not yet claimed")
        self.stdout.write(
            f"undelivered: {data['undelivered']} notifications "
            f"({data['failed']} gave up after the maximum attempts)"
        )
        self.stdout.write(f"delivered_24h: {data['delivered_24h']}")
        self.stdout.write(
            f"lag_p50: {_seconds(data['lag_p50_s'])}  lag_p95: {_seconds(data['lag_p95_s'])}  "
            f"lag_p99: {_seconds(data['lag_p99_s'])}"
        )
