"""Benchmark of the deadline sweep (issue 5).

    python benchmarks/sweep.py [--quick]

Runs in a database of its own next to the configured one (``<name>_bench`` on the same
PostgreSQL server when DATABASE_URL is set, else ``var/bench-sweep.sqlite3``), created and
migrated on first use and reused afterwards, so it never touches real data. It holds
100,000 open incidents with about 1,000,000 reminder rows (``--quick``: 10,000 / 100,000),
bulk-inserted (COPY on PostgreSQL). It measures:

- ``sweep_idle_ms``: one sweep when nothing is due (median of 20), target < 100 ms;
- ``sweep_1000_due_s``: one sweep processing 1,000 due overdue notices (claim, re-check,
  notifications for the managers and the broker, journal entry, hand-off);
- ``reminder_lag_p99_s``: with a real Celery worker and beat running (sweep every
  ``RIPOSTE_SWEEP_INTERVAL_SECONDS``, default 2 s), 1,000 reminders falling due over 20 s;
  the p99 of the notification written (``created_at``) − due time over their notifications,
  target < 5 s (and, for information, the p99 of e-mails sent through the worker);
- ``notifications_per_s``: the notifications of the 1,000 due reminders over the sweep's time.

Tasks go to a queue of their own (``riposte-bench``) on the configured broker.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUEUE = "riposte-bench"
KEYS = ("complaint", "dpa_notification", "claim_declaration")
OFFSETS = (1440, 360, 60, 0)


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        base, _, name = url.rpartition("/")
        name = name.split("?")[0]
        return f"{base}/{name}_bench"
    return f"sqlite:///{ROOT / 'var' / 'bench-sweep.sqlite3'}"


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["RIPOSTE_VAR_DIR"] = var_dir
    os.environ["RIPOSTE_CELERY_QUEUE"] = QUEUE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(incidents: int) -> None:
    """Companies, people, policies, then incidents, steps and reminders in bulk (reused)."""
    from django.db import connection, transaction

    from coverage.models import Policy
    from incident_app.models import Incident, Membership, Organisation, Reminder, Step, User

    existing = Incident.objects.count()
    if existing >= incidents:
        print(f"reusing {existing} incidents, {Reminder.objects.count()} reminders")
        return
    started = time.monotonic()
    with transaction.atomic():
        insurer, _ = Organisation.objects.get_or_create(name="Bench insurer", kind="insurer")
        broker_org, _ = Organisation.objects.get_or_create(name="Bench broker", kind="broker")
        if not User.objects.filter(email="broker@bench.example").exists():
            broker = User.objects.create_user("broker@bench.example")
            Membership.objects.create(user=broker, organisation=broker_org, role="broker")
        policies = []
        for i in range(100):
            company, created = Organisation.objects.get_or_create(
                name=f"Bench company {i}", kind="company"
            )
            if created:
                manager = User.objects.create_user(f"manager{i}@bench.example")
                Membership.objects.create(user=manager, organisation=company, role="manager")
            policies.append(
                Policy.objects.get_or_create(
                    company=company,
                    broker=broker_org,
                    insurer=insurer,
                    number=f"BENCH-{i}",
                    defaults={"starts_on": date(2026, 1, 1), "jurisdiction": "FR"},
                )[0]
            )
    now = datetime.now(UTC)
    far = now + timedelta(days=60)
    definition = {
        "title": {"fr": "Porter plainte", "en": "File a complaint"},
        "guidance": {"fr": "Déposez plainte avec les preuves.", "en": "File with evidence."},
    }
    for start in range(existing, incidents, 5000):
        batch = [
            Incident(
                reference=f"BENCH-{n:06d}",
                company_id=policies[n % 100].company_id,
                policy=policies[n % 100],
                kinds=["ransomware"],
                discovered_at=now,
                status="open",
            )
            for n in range(start, min(incidents, start + 5000))
        ]
        Incident.objects.bulk_create(batch, batch_size=5000)
        steps = [
            Step(
                incident=incident,
                key=key,
                order=k,
                definition=definition,
                due_at=far + timedelta(seconds=incident.pk % 86400),
            )
            for incident in batch
            # Two or three steps with a deadline: 2.5 on average, 10 reminders per incident.
            for k, key in enumerate(KEYS[: 3 if incident.pk % 2 else 2])
        ]
        Step.objects.bulk_create(steps, batch_size=5000)
        rows = [
            (step.pk, offset, step.due_at - timedelta(minutes=offset))
            for step in steps
            for offset in OFFSETS
        ]
        _insert_reminders(connection, rows)
        print(f"  {min(incidents, start + 5000)} incidents", end="\r", flush=True)
    print(
        f"created {incidents - existing} incidents, {Reminder.objects.count()} reminders "
        f"in {time.monotonic() - started:.0f} s"
    )


def _insert_reminders(connection, rows) -> None:
    from incident_app.models import Reminder

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY incident_app_reminder (step_id, offset_minutes, fire_at) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        Reminder.objects.bulk_create(
            Reminder(step_id=s, offset_minutes=o, fire_at=f) for s, o, f in rows
        )


def reset() -> None:
    """Undo what a previous run did: its steps back in the far future, outputs emptied."""
    from django.db import connection

    from incident_app.models import Reminder, Step

    far = datetime.now(UTC) + timedelta(days=60)
    touched = list(
        Step.objects.filter(due_at__lt=datetime.now(UTC) + timedelta(days=30)).values_list(
            "pk", flat=True
        )
    )
    if touched:
        Step.objects.filter(pk__in=touched).update(due_at=far)
        Reminder.objects.filter(step_id__in=touched).delete()
        _insert_reminders(
            connection,
            [(pk, o, far - timedelta(minutes=o)) for pk in touched for o in OFFSETS],
        )
    with connection.cursor() as cursor:
        for table in ("notification", "journalentry", "sweeprun"):
            cursor.execute(f"DELETE FROM incident_app_{table}")  # noqa: S608
        # Emptied journals start again from the genesis, as verify_journal expects.
        cursor.execute(
            "UPDATE incident_app_incident SET journal_head_seq = 0, journal_head_hash = ''"
        )


def make_due(step_ids, due_at) -> None:
    """Move these steps' deadlines; their reminders follow as ``sync_for_step`` would have
    them (done in bulk: the benchmark measures the sweep, not this set-up)."""
    from django.db import transaction
    from django.utils import timezone

    from incident_app.models import Reminder, Step

    now = timezone.now()
    steps = list(Step.objects.filter(pk__in=step_ids))
    with transaction.atomic():
        for step in steps:
            step.due_at = due_at(step)
        Step.objects.bulk_update(steps, ["due_at"], batch_size=1000)
        reminders = list(Reminder.objects.filter(step_id__in=step_ids).select_related("step"))
        for reminder in reminders:
            reminder.fire_at = reminder.step.due_at - timedelta(minutes=reminder.offset_minutes)
            # Reminders whose time passed before the deadline was set are not sent.
            reminder.cancelled_at = (
                now if reminder.offset_minutes and reminder.fire_at <= now else None
            )
        Reminder.objects.bulk_update(reminders, ["fire_at", "cancelled_at"], batch_size=1000)


def pick_steps(count: int, skip: int) -> list[int]:
    from incident_app.models import Step

    return list(
        Step.objects.filter(key="complaint")
        .order_by("pk")
        .values_list("pk", flat=True)[skip : skip + count]
    )


def measure_idle() -> float:
    from incident_app.services.sweep import run_sweep

    run_sweep()  # warm up connections and caches
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        result = run_sweep()
        timings.append((time.perf_counter() - started) * 1000)
        assert result.claimed == 0, "nothing should be due"
    return statistics.median(timings)


def measure_1000_due() -> float:
    from django.utils import timezone

    from incident_app.models import Reminder
    from incident_app.services.sweep import run_sweep
    from riposte.celery import app

    steps = pick_steps(1000, skip=0)
    past = timezone.now() - timedelta(seconds=5)
    make_due(steps, lambda step: past)
    due = Reminder.objects.filter(step_id__in=steps, claimed_at=None, cancelled_at=None)
    assert due.count() == 1000, due.count()
    started = time.perf_counter()
    result = run_sweep(batch=1000)
    elapsed = time.perf_counter() - started
    assert result.claimed == 1000, result
    print(f"  1000 due: {result.notifications} notifications, {result.failed} failed")
    app.control.purge()  # no worker here: drop the deliveries it handed over
    return elapsed, result.notifications


def measure_lag(var_dir: str, timeout: float = 180) -> tuple[float, float, int]:
    from django.conf import settings
    from django.utils import timezone

    from incident_app.models import Notification, Reminder

    steps = pick_steps(1000, skip=1000)
    # Deadlines (and their overdue notices) spread over 20 seconds, starting once the
    # worker has had time to boot.
    start = timezone.now() + timedelta(seconds=40)
    make_due(steps, lambda step: start + timedelta(milliseconds=(step.pk * 20) % 20000))
    assert timezone.now() < start, "setting the deadlines took too long"
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    log = Path(var_dir) / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "riposte",
            "worker",
            "-B",
            "--loglevel=WARNING",
            "--concurrency=2",
            "--schedule",
            str(Path(var_dir) / "celerybeat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    emails = Notification.objects.filter(step_id__in=steps, channel="email")
    written = Notification.objects.filter(step_id__in=steps)
    expected = None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(1)
            unswept = Reminder.objects.filter(
                step_id__in=steps, offset_minutes=0, claimed_at__isnull=True
            ).count()
            if not unswept and not emails.filter(delivered_at__isnull=True).exists():
                expected = emails.count()
                break
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    if expected is None:
        raise SystemExit(f"deliveries did not finish; see {log}")
    from incident_app.services.sweep import percentile

    delivered = sorted(lag.total_seconds() for lag in emails.values_list("lag", flat=True))
    # From the due time to the notification written (every channel): what the sweep owes.
    lags = sorted(
        max(0.0, (created - due).total_seconds())
        for created, due in written.values_list("created_at", "reminder__fire_at")
    )
    return {
        "p50": percentile(lags, 50),
        "p99": percentile(lags, 99),
        "count": len(lags),
        "delivered_p99": percentile(delivered, 99),
        "emails": len(delivered),
        "interval": settings.RIPOSTE_SWEEP_INTERVAL_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 incidents, not 100,000")
    args = parser.parse_args()
    incidents = 10_000 if args.quick else 100_000
    url = _bench_database_url()
    if url.startswith("postgres"):
        _ensure_postgres_database(url)
    var_dir = tempfile.mkdtemp(prefix="riposte-bench-sweep-")
    setup_django(url, var_dir)
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    populate(incidents)
    reset()
    idle_ms = measure_idle()
    print(f"sweep_idle_ms: {idle_ms:.1f} ms (target: < 100 ms)", flush=True)
    due_s, notifications = measure_1000_due()
    print(f"sweep_1000_due_s: {due_s:.2f} s", flush=True)
    try:
        lag = measure_lag(var_dir)
    finally:
        reset()
    print(
        f"reminder_lag_p50_s: {lag['p50']:.1f} s over {lag['count']} notifications "
        f"(sweep every {lag['interval']} s)"
    )
    print(
        f"reminder_delivered_p99_s: {lag['delivered_p99']:.1f} s over {lag['emails']} e-mails "
        "(due time to sent, through the worker)"
    )
    print(f"sweep_idle_ms: {idle_ms:.1f} ms (target: < 100 ms)")
    print(f"sweep_1000_due_s: {due_s:.2f} s (target: a third of main's on the same machine)")
    print(f"notifications_per_s: {notifications / due_s:.0f} /s")
    print(f"reminder_lag_p99_s: {lag['p99']:.1f} s (target: < 5 s)")


if __name__ == "__main__":
    main()
