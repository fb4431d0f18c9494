"""Reminder rows follow the steps' deadlines: created, moved and cancelled with them."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Reminder, Step


def offsets_minutes() -> list[int]:
    """Minutes before the deadline; 0 is the deadline itself (the overdue notice)."""
    return sorted(set(settings.RIPOSTE_REMINDER_OFFSETS_MINUTES), reverse=True)


def sync_for_step(step: Step, now=None) -> None:
    """Make the step's pending reminders match its deadline and status.

    Reminders already claimed by a sweep are history and never touched; a reminder whose
    time has already passed when the deadline is set is not created (no burst of stale
    reminders), except the overdue notice, which is always kept. A closed incident has no
    reminders to come: its steps' pending ones are cancelled, planned again if it reopens.
    """
    now = now or timezone.now()
    pending = Reminder.objects.filter(step=step, claimed_at__isnull=True, cancelled_at__isnull=True)
    if not step.is_open or step.due_at is None or step.incident.is_closed:
        pending.update(cancelled_at=now)
        return
    claimed = set(
        Reminder.objects.filter(step=step, claimed_at__isnull=False).values_list(
            "offset_minutes", flat=True
        )
    )
    for offset in offsets_minutes():
        if offset in claimed:
            continue
        fire_at = step.due_at - timedelta(minutes=offset)
        if offset and fire_at <= now:
            pending.filter(offset_minutes=offset).update(cancelled_at=now)
            continue
        Reminder.objects.update_or_create(
            step=step,
            offset_minutes=offset,
            defaults={"fire_at": fire_at, "cancelled_at": None},
        )


def sync_for_incident(incident, now=None) -> None:
    for step in incident.steps.all():
        sync_for_step(step, now=now)


def kinds() -> list[tuple[int, str]]:
    """The reminders a user may mute by e-mail: every offset but the overdue notice."""
    from .notify import offset_label

    return [(offset, offset_label(offset)) for offset in offsets_minutes() if offset]
