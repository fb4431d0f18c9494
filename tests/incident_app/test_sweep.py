"""The deadline sweep: due reminders claimed once, notified, journaled, handed to the worker."""

from datetime import timedelta

import pytest
from django.db import connection

from incident_app.models import (
    JournalEntry,
    Notification,
    Reminder,
    ReminderPreference,
    SweepRun,
    verify_chain,
)
from incident_app.services import notify
from incident_app.services.steps import complete_step
from incident_app.services.sweep import run_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    """Run tasks in-process: tests never write to the development broker."""
    from riposte.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


@pytest.fixture
def complaint(incident):
    return incident.steps.get(key="complaint")


def _at(step, minutes_before):
    return step.due_at - timedelta(minutes=minutes_before)


def test_it_notifies_the_managers_when_no_one_is_assigned(
    incident, complaint, manager, member, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        result = run_sweep(now=_at(complaint, 1439))
    reminder = Reminder.objects.get(step=complaint, offset_minutes=1440)
    assert reminder.claimed_at is not None
    assert reminder.pk in result.reminder_ids
    rows = Notification.objects.filter(reminder=reminder)
    assert {(n.user, n.channel) for n in rows} == {(manager, "in_app"), (manager, "email")}
    in_app = rows.get(channel="in_app")
    assert in_app.delivered_at is not None
    assert in_app.lag == timedelta(minutes=1)
    assert "Rappel" in in_app.subject and incident.reference in in_app.subject
    email = rows.get(channel="email")
    assert email.delivered_at is None and email.dispatched_at is not None
    # Delivery is handed over only after commit: one per e-mail, two steps due.
    deliveries = [c for c in callbacks if "deliver_notification" in repr(c)]
    assert len(deliveries) == Notification.objects.filter(channel="email").count() == 2


def test_it_notifies_the_assignee_instead_of_the_managers(incident, complaint, manager, member):
    complaint.assignee = member
    complaint.save()
    run_sweep(now=_at(complaint, 1439))
    users = set(Notification.objects.filter(step=complaint).values_list("user__email", flat=True))
    assert users == {member.email}


def test_it_journals_each_reminder_once(incident, complaint, manager):
    now = _at(complaint, 1439)
    run_sweep(now=now)
    run_sweep(now=now)
    run_sweep(now=now + timedelta(minutes=1))
    entries = JournalEntry.objects.filter(
        incident=incident, kind=JournalEntry.Kind.REMINDER_SENT, data__step="complaint"
    )
    assert entries.count() == 1
    assert entries.get().data["offset_minutes"] == 1440
    assert manager.display_name in entries.get().text
    assert Notification.objects.filter(step=complaint).count() == 2
    assert verify_chain(incident) is None


def test_it_escalates_an_overdue_step_to_the_broker_and_the_managers(
    incident, complaint, manager, member, broker, auditor, outsider
):
    complaint.assignee = member
    complaint.save()
    run_sweep(now=complaint.due_at + timedelta(seconds=5))
    overdue = Reminder.objects.get(step=complaint, offset_minutes=0)
    users = set(Notification.objects.filter(reminder=overdue).values_list("user__email", flat=True))
    assert users == {member.email, manager.email, broker.email}
    entry = JournalEntry.objects.get(
        incident=incident, kind=JournalEntry.Kind.DEADLINE_MISSED, data__step="complaint"
    )
    assert "dépassée" in entry.text
    # The earlier reminders were still pending: each goes out once, in the same sweep.
    assert Reminder.objects.filter(step=complaint, claimed_at__isnull=False).count() == 4


def test_it_says_nothing_about_a_step_already_done(incident, complaint, manager):
    complete_step(complaint, user=manager, proof_reference="PV-1")
    Reminder.objects.filter(step=complaint).update(cancelled_at=None)  # a racing sweep's view
    result = run_sweep(now=_at(complaint, 1439))
    assert not Notification.objects.filter(step=complaint).exists()
    assert result.stale >= 1
    assert Reminder.objects.get(step=complaint, offset_minutes=1440).cancelled_at is not None


def test_it_puts_a_moved_deadline_right_instead_of_sending(incident, complaint, manager):
    old_due = complaint.due_at
    # The deadline moved without its reminders following (e.g. an admin edit).
    complaint.due_at = old_due + timedelta(hours=12)
    complaint.save()
    result = run_sweep(now=old_due - timedelta(minutes=1439))
    assert not Notification.objects.filter(step=complaint).exists()
    assert result.stale == 1
    reminder = Reminder.objects.get(step=complaint, offset_minutes=1440)
    assert reminder.claimed_at is None
    assert reminder.fire_at == complaint.due_at - timedelta(minutes=1440)


def test_it_leaves_out_e_mails_a_user_muted_but_never_the_overdue_notice(
    incident, complaint, manager
):
    ReminderPreference.objects.create(user=manager, muted_email_offsets=[1440, 0])
    run_sweep(now=_at(complaint, 1439))
    assert set(Notification.objects.filter(step=complaint).values_list("channel", flat=True)) == {
        "in_app"
    }
    run_sweep(now=complaint.due_at)
    overdue = Notification.objects.filter(step=complaint, reminder__offset_minutes=0)
    assert set(overdue.values_list("channel", flat=True)) == {"in_app", "email"}


def test_it_keeps_sweeping_past_a_bad_row(incident, complaint, manager, monkeypatch, caplog):
    bad = Reminder.objects.get(step=complaint, offset_minutes=1440)
    real = notify.create_for

    def flaky(reminder, now, audience=None):
        if reminder.pk == bad.pk:
            raise RuntimeError("broken row")
        return real(reminder, now, audience)

    monkeypatch.setattr(notify, "create_for", flaky)
    result = run_sweep(now=_at(complaint, 1439))
    assert result.failed == 1
    assert result.claimed == 1  # the other step's reminder, due at the same time
    bad.refresh_from_db()
    # Rolled back: still pending for the next sweep, nothing half-written.
    assert bad.claimed_at is None
    assert not Notification.objects.filter(reminder=bad).exists()
    assert "could not be processed" in caplog.text
    monkeypatch.setattr(notify, "create_for", real)
    assert run_sweep(now=_at(complaint, 1439)).claimed == 1


def test_it_stops_at_the_batch_size(incident, complaint, manager):
    # Eight reminders are due, the first ones outdated by later ones: three are looked at.
    result = run_sweep(now=complaint.due_at + timedelta(seconds=1), batch=3)
    assert result.claimed + result.stale == 3
    assert Reminder.objects.filter(claimed_at__isnull=False).count() == 3


def test_it_records_each_run(incident, complaint, manager):
    run_sweep(now=_at(complaint, 2000))
    run_sweep(now=_at(complaint, 1439))
    runs = list(SweepRun.objects.order_by("started_at"))
    assert [r.claimed for r in runs] == [0, 2]
    assert runs[1].notifications == 4


def test_it_redispatches_lost_and_interrupted_deliveries(
    incident, complaint, manager, settings, django_capture_on_commit_callbacks
):
    settings.RIPOSTE_REDISPATCH_AFTER_SECONDS = 60
    settings.RIPOSTE_DELIVERY_LEASE_SECONDS = 600
    now = _at(complaint, 1439)
    run_sweep(now=now)
    lost, interrupted = Notification.objects.filter(channel="email").order_by("pk")
    Notification.objects.filter(pk=interrupted.pk).update(claimed_at=now, attempts=1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert run_sweep(now=now + timedelta(seconds=30)).redispatched == 0
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        assert run_sweep(now=now + timedelta(seconds=601)).redispatched == 2
    assert len(callbacks) == 2
    interrupted.refresh_from_db()
    assert interrupted.claimed_at is None
    assert interrupted.last_error == "interrupted while sending"
    # Just handed over again: not again on the next sweep.
    assert run_sweep(now=now + timedelta(seconds=620)).redispatched == 0


def test_it_sends_only_the_most_urgent_reminder_after_falling_behind(incident, complaint):
    # No sweep ran for a day: at 30 min before the deadline, the 24 h, 6 h and 1 h reminders
    # are all due. Only "1 h" goes out; "24 h" and "6 h" would mislead.
    result = run_sweep(now=_at(complaint, 30))
    reminders = {r.offset_minutes: r for r in Reminder.objects.filter(step=complaint)}
    assert reminders[60].pk in result.reminder_ids
    assert reminders[60].cancelled_at is None
    for offset in (1440, 360):
        assert reminders[offset].pk not in result.reminder_ids
        assert reminders[offset].cancelled_at is not None
    assert not Notification.objects.filter(reminder__in=[reminders[1440], reminders[360]])
    assert Notification.objects.filter(reminder=reminders[60]).exists()
    # The overdue notice is still to come, and comes.
    later = run_sweep(now=complaint.due_at + timedelta(minutes=1))
    assert Reminder.objects.get(step=complaint, offset_minutes=0).pk in later.reminder_ids


def test_it_gives_up_after_the_maximum_attempts(incident, complaint, manager, settings):
    settings.RIPOSTE_DELIVERY_MAX_ATTEMPTS = 3
    now = _at(complaint, 1439)
    run_sweep(now=now)
    Notification.objects.filter(channel="email").update(attempts=3)
    assert run_sweep(now=now + timedelta(hours=1)).redispatched == 0


@pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="SKIP LOCKED needs PostgreSQL; SQLite serialises writers instead",
)
@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_two_sweeps_run_at_once(
    incident, complaint, manager, broker, eager_celery, mailoutbox
):
    import threading

    from django.db import connections

    from incident_app.services.incidents import open_incident

    # A dozen incidents found at the same moment: more due reminders than one chunk holds.
    for _ in range(11):
        open_incident(
            company=incident.company,
            policy=incident.policy,
            kinds=incident.kinds,
            discovered_at=incident.discovered_at,
            personal_data=incident.personal_data,
            declared_by=manager,
        )
    now = complaint.due_at + timedelta(seconds=1)
    barrier = threading.Barrier(4)
    results = []

    def sweep():
        barrier.wait()
        try:
            results.append(run_sweep(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [pk for result in results for pk in result.reminder_ids]
    assert (
        len(claimed)
        == len(set(claimed))
        == Reminder.objects.filter(claimed_at__isnull=False, cancelled_at__isnull=True).count()
    )
    assert sum(result.failed for result in results) == 0
    # Due by then, per incident: 4 reminders for each of the 2 steps with a 72 h deadline.
    # Each step's overdue notice is sent by one sweep only; the 3 earlier reminders it
    # outdates are not sent at all.
    assert len(claimed) == 12 * 2
    assert Reminder.objects.filter(cancelled_at__isnull=False).count() == 12 * 2 * 3
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.DEADLINE_MISSED).count() == 12 * 2
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REMINDER_SENT).exists()
    # Each e-mail sent once: manager and broker, for each overdue step.
    sent = sorted((m.to[0], m.extra_headers["X-Riposte-Notification"]) for m in mailoutbox)
    assert len(sent) == len(set(sent)) == Notification.objects.filter(channel="email").count()
    assert len(sent) == 12 * 2 * 2


def test_it_calls_a_step_missed_only_once_its_due_moment_has_passed(incident, complaint, manager):
    run_sweep(now=complaint.due_at)
    notice = Notification.objects.get(
        step=complaint, reminder__offset_minutes=0, user=manager, channel="in_app"
    )
    assert "dépassée" not in notice.body
    entries = JournalEntry.objects.filter(incident=incident)
    assert not entries.filter(kind=JournalEntry.Kind.DEADLINE_MISSED).exists()
    assert entries.filter(kind=JournalEntry.Kind.REMINDER_SENT, data__offset_minutes=0).exists()


def test_it_tells_the_deadline_is_passed_a_second_after(incident, complaint, manager):
    run_sweep(now=complaint.due_at + timedelta(seconds=1))
    notice = Notification.objects.get(
        step=complaint, reminder__offset_minutes=0, user=manager, channel="in_app"
    )
    assert "dépassée" in notice.body
    entries = JournalEntry.objects.filter(incident=incident)
    assert entries.filter(kind=JournalEntry.Kind.DEADLINE_MISSED).exists()
