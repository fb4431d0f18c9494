"""Each reminder exactly once, with a real Redis, a real Celery worker and beat.

Deadlines seconds away; the first deliveries are lost by the broker; the worker's beat sweeps
every second while the test process runs three more sweeps at the same time, and the worker
(with its beat) is killed with SIGKILL mid-way, then started again. Every reminder must be claimed once, journaled once, and every e-mail must
reach the (file-based) mail backend exactly once.
"""

import re
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from incident_app.models import JournalEntry, Notification, Reminder
from incident_app.services.incidents import open_incident
from incident_app.services.sweep import run_sweep
from riposte.celery import app

pytestmark = [pytest.mark.integration]

STEPS = ("complaint", "dpa_notification", "claim_declaration")


def _sent(mail_dir) -> Counter:
    """How many times each notification reached the mail backend."""
    counts: Counter = Counter()
    for path in mail_dir.iterdir():
        for pk in re.findall(r"^X-Riposte-Notification: (\d+)$", path.read_text(), re.M):
            counts[int(pk)] += 1
    return counts


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def test_it_sends_each_reminder_once_through_races_and_a_killed_worker(
    celery_worker, settings, company, policy, manager, broker
):
    settings.RIPOSTE_REDISPATCH_AFTER_SECONDS = 3
    settings.RIPOSTE_DELIVERY_LEASE_SECONDS = 8
    now = timezone.now()
    incident = open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=now - timedelta(hours=1),
        personal_data="yes",
        declared_by=manager,
    )
    # Deadlines 4, 8 and 12 seconds away; each with its T-1 h reminder (due at once) and its
    # overdue notice (due at the deadline).
    Reminder.objects.filter(step__incident=incident).delete()
    for i, key in enumerate(STEPS, start=1):
        step = incident.steps.get(key=key)
        step.due_at = now + timedelta(seconds=4 * i)
        step.save()
        Reminder.objects.create(
            step=step, offset_minutes=60, fire_at=step.due_at - timedelta(minutes=60)
        )
        Reminder.objects.create(step=step, offset_minutes=0, fire_at=step.due_at)

    stop = threading.Event()
    errors = []

    def rival_sweeps():
        try:
            while not stop.is_set():
                run_sweep()
                time.sleep(0.3)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    # A first sweep hands the T-1 h e-mails to the broker, which then loses them (purged):
    # only the sweep's re-dispatch can deliver them now.
    assert run_sweep().claimed == 3
    app.control.purge()

    rivals = [threading.Thread(target=rival_sweeps) for _ in range(3)]
    celery_worker.start()
    celery_worker.wait_ready()
    for thread in rivals:
        thread.start()
    try:
        # Kill the worker hard once it has delivered something, before every deadline passed.
        assert _wait(lambda: len(_sent(celery_worker.mail_dir)) > 0, timeout=15)
        celery_worker.kill()
        time.sleep(1)
        celery_worker.start()
        celery_worker.wait_ready()

        def all_delivered():
            return (
                not Reminder.objects.filter(claimed_at__isnull=True).exists()
                and not Notification.objects.filter(delivered_at__isnull=True).exists()
            )

        assert _wait(all_delivered, timeout=35), celery_worker.log.read_text()[-3000:]
        time.sleep(2)  # a late duplicate would show up here
    finally:
        stop.set()
        for thread in rivals:
            thread.join()
    assert errors == []

    reminders = Reminder.objects.filter(step__incident=incident)
    assert reminders.count() == 6
    assert not reminders.filter(claimed_at__isnull=True).exists()
    journaled = Counter(
        entry.data["reminder"]
        for entry in JournalEntry.objects.filter(
            incident=incident,
            kind__in=[JournalEntry.Kind.REMINDER_SENT, JournalEntry.Kind.DEADLINE_MISSED],
        )
    )
    assert journaled == Counter({r.pk: 1 for r in reminders})

    emails = Notification.objects.filter(channel="email")
    # T-1 h: the manager; overdue: the manager and the broker. Three steps.
    assert emails.count() == 3 * (1 + 2)
    assert set(emails.values_list("user__email", flat=True)) == {manager.email, broker.email}
    sent = _sent(celery_worker.mail_dir)
    assert sent == Counter(dict.fromkeys(emails.values_list("pk", flat=True), 1))
    assert not emails.filter(lag__isnull=True).exists()
