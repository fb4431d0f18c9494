"""The deadline sweep: claim due reminders once, write their notifications and journal entry.

Run by Celery beat every ``RIPOSTE_SWEEP_INTERVAL_SECONDS`` (and by ``manage.py sweep``).
Safe to run twice at once: due reminders are taken in chunks, locked with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (a concurrent sweep passes over rows being
processed instead of waiting), and each is claimed by a conditional
``UPDATE … WHERE claimed_at IS NULL`` whose row count must be 1 (on SQLite, which serialises
writers, the count alone tells the loser). The claim, the notifications and the journal
entry are written in the same transaction, and delivery is handed to the worker only when it
commits: a crash before the commit leaves the reminder unclaimed for the next sweep, a crash
after it leaves notifications that the sweep re-dispatches (``notify.redispatch``). A chunk
that fails is done again one reminder per savepoint: a bad row is rolled back alone, logged
and left for the next sweep; it never stops the others.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import signals
from ..models import JournalEntry, Notification, Reminder, SweepRun, journal_language
from . import bell, notify, reminders

logger = logging.getLogger(__name__)

# Sweep runs are kept this long for sweep_status and the admin.
KEEP_RUNS = timedelta(days=7)
# Reminders per transaction: one commit for many rows, each row in its own savepoint.
CHUNK = 50

# Work that packages above the incidents do on every sweep (the documents hand stuck claim
# dossiers back to the worker), registered by them so that this module never imports them:
# the name of a SweepResult counter -> a function of the sweep's time returning a count.
HOUSEKEEPING: dict[str, Callable[[datetime], int]] = {}


def add_housekeeping(counter: str, job: Callable[[datetime], int]) -> None:
    HOUSEKEEPING[counter] = job


@dataclass
class SweepResult:
    claimed: int = 0
    notifications: int = 0
    stale: int = 0
    failed: int = 0
    redispatched: int = 0
    # Filled by the documents package's housekeeping.
    dossiers_resumed: int = 0
    documents_resumed: int = 0
    duration_ms: int = 0
    reminder_ids: list[int] = field(default_factory=list)


def due_reminders(now):
    """Reminders whose time has come, not yet claimed nor cancelled (partial index)."""
    return Reminder.objects.filter(
        fire_at__lte=now, claimed_at__isnull=True, cancelled_at__isnull=True
    )


def run_sweep(now=None, batch: int = 500) -> SweepResult:
    """Process up to ``batch`` due reminders, then re-dispatch lost deliveries and run the
    housekeeping registered by other packages (stuck claim dossiers)."""
    started = time.monotonic()
    now = now or timezone.now()
    result = SweepResult()
    audience = notify.Audience()
    # Rows seen but left pending in this run (failed, taken elsewhere, moved): not again.
    skip: set[int] = set()
    while result.claimed + result.stale + result.failed < batch:
        limit = min(CHUNK, batch - result.claimed - result.stale - result.failed)
        with transaction.atomic():
            chunk = _lock_due(now, skip, limit)
            try:
                # Fast path: the whole chunk in one savepoint.
                with transaction.atomic():
                    outcomes = [(r, _process(r, now, audience)) for r in chunk]
            except Exception:
                # Some row is bad: the chunk's savepoint (and the deliveries it would have
                # sent on commit) is gone; go again row by row, each in its own savepoint.
                for reminder in chunk:
                    _sweep_one(reminder, now, audience, result, skip)
            else:
                for reminder, outcome in outcomes:
                    _count(reminder, outcome, result, skip)
            _ring_bells(chunk)
        if len(chunk) < limit:
            break
    try:
        result.redispatched = notify.redispatch(now)
    except Exception:
        logger.exception("Re-dispatch of undelivered notifications failed")
    for counter, job in HOUSEKEEPING.items():
        try:
            setattr(result, counter, job(now))
        except Exception:
            logger.exception("Sweep housekeeping %s failed", counter)
    result.duration_ms = int((time.monotonic() - started) * 1000)
    _record(now, result)
    return result


def _ring_bells(chunk: list[Reminder]) -> None:
    """The bells of the people notified in this chunk count again once it is committed:
    one look per chunk rather than one per reminder."""
    if chunk:
        bell.counts_changed(
            Notification.objects.filter(
                reminder__in=chunk, channel=Notification.Channel.IN_APP
            ).values_list("user_id", flat=True)
        )


def _lock_due(now, skip: set[int], limit: int) -> list[Reminder]:
    """The next due reminders, locked for this transaction where the database can.

    On PostgreSQL ``FOR UPDATE SKIP LOCKED`` locks the reminder rows only, and a concurrent
    sweep passes over them instead of waiting. Elsewhere (SQLite) the transaction itself
    holds the write lock; the conditional UPDATE in ``_process`` decides in every case.
    """
    # The latest reminder of the same step due by now: when the sweep was behind, an earlier
    # one ("due in 24 h" an hour before the deadline) is outdated by it.
    latest_due = (
        Reminder.objects.filter(
            step_id=OuterRef("step_id"), cancelled_at__isnull=True, fire_at__lte=now
        )
        .order_by("-fire_at")
        .values("fire_at")[:1]
    )
    query = (
        due_reminders(now)
        .exclude(pk__in=skip)
        .annotate(latest_due=Subquery(latest_due))
        .select_related(
            "step__incident__company",
            "step__incident__policy",
            "step__assignee__reminder_preference",
        )
        .order_by("fire_at", "pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True, of=("self",))
    return list(query[:limit])


def _sweep_one(reminder: Reminder, now, audience, result: SweepResult, skip: set[int]) -> None:
    try:
        # A savepoint per reminder: a bad row rolls back alone, the chunk goes on.
        with transaction.atomic():
            outcome = _process(reminder, now, audience)
    except Exception:
        # Never a crash loop: logged, left unclaimed for the next sweep.
        logger.exception("Reminder %s could not be processed", reminder.pk)
        skip.add(reminder.pk)
        result.failed += 1
        return
    _count(reminder, outcome, result, skip)


def _count(reminder: Reminder, outcome: int | None, result: SweepResult, skip: set[int]) -> None:
    if outcome is None:
        skip.add(reminder.pk)  # another sweep has it
    elif outcome < 0:
        skip.add(reminder.pk)
        result.stale += 1
    else:
        result.claimed += 1
        result.notifications += outcome
        result.reminder_ids.append(reminder.pk)


def _process(reminder: Reminder, now, audience=None) -> int | None:
    """Claim, re-check and notify one reminder. Notifications made, -1 if stale, None if taken."""
    claimed = Reminder.objects.filter(
        pk=reminder.pk, claimed_at__isnull=True, cancelled_at__isnull=True
    ).update(claimed_at=now)
    if claimed != 1:
        return None
    reminder.claimed_at = now
    step = reminder.step
    incident = step.incident
    if not step.is_open or incident.is_closed or step.due_at is None:
        # Done or no longer applicable since the reminder was planned: nothing to say.
        Reminder.objects.filter(pk=reminder.pk).update(cancelled_at=now)
        return -1
    if reminder.fire_at != step.due_at - timedelta(minutes=reminder.offset_minutes):
        # The deadline moved without its reminders following: put them right, send nothing
        # now; the moved reminder is picked up when its own time comes.
        Reminder.objects.filter(pk=reminder.pk).update(claimed_at=None)
        reminders.sync_for_step(step, now=now)
        return -1
    if getattr(reminder, "latest_due", None) and reminder.latest_due > reminder.fire_at:
        # Only the most urgent reminder of a step goes out, as when reminders are planned
        # (``reminders.sync_for_step``): a burst of outdated ones would mislead.
        Reminder.objects.filter(pk=reminder.pk).update(cancelled_at=now)
        return -1
    made = notify.create_for(reminder, now, audience)
    _journal(reminder, made)
    if reminder.is_overdue_notice:
        signals.deadline_missed.send(sender=Reminder, incident=incident, step=step, now=now)
    return sum(1 for m in made if m.created)


def _journal(reminder: Reminder, made) -> None:
    step = reminder.step
    incident = step.incident
    with journal_language(incident) as language:
        title = step.text("title", language)
        people = sorted({m.notification.user.display_name for m in made})
        # Missed by the steps' one rule (the due moment itself is still on time).
        if reminder.says_overdue:
            kind = JournalEntry.Kind.DEADLINE_MISSED
            text = _("Échéance dépassée pour « %(title)s » ; prévenus : %(people)s.")
        else:
            kind = JournalEntry.Kind.REMINDER_SENT
            text = _("Rappel « %(title)s » (échéance dans %(offset)s) ; prévenus : %(people)s.")
        text = text % {
            "title": title,
            "offset": notify.offset_label(reminder.offset_minutes),
            "people": ", ".join(people) or "—",
        }
    JournalEntry.append(
        incident,
        kind,
        text,
        occurred_at=reminder.fire_at,
        data={
            "step": step.key,
            "reminder": reminder.pk,
            "offset_minutes": reminder.offset_minutes,
            "due_at": step.due_at.isoformat(),
            "notifications": sorted([m.notification.user_id, m.notification.channel] for m in made),
        },
    )


def _record(now, result: SweepResult) -> None:
    try:
        SweepRun.objects.create(
            started_at=now,
            duration_ms=result.duration_ms,
            claimed=result.claimed,
            notifications=result.notifications,
            stale=result.stale,
            failed=result.failed,
            redispatched=result.redispatched,
        )
        SweepRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
    except Exception:
        logger.exception("Could not record the sweep run")


def status(now=None) -> dict:
    """Last sweep, backlog and delivery lag percentiles (last 24 h), for sweep_status."""
    now = now or timezone.now()
    last = SweepRun.objects.order_by("-started_at").first()
    lags = sorted(
        lag.total_seconds()
        for lag in Notification.objects.filter(
            delivered_at__gte=now - timedelta(hours=24), lag__isnull=False
        ).values_list("lag", flat=True)
    )
    undelivered = Notification.objects.filter(delivered_at__isnull=True)
    return {
        "last_sweep_at": last.started_at if last else None,
        "last_sweep_ms": last.duration_ms if last else None,
        "backlog": due_reminders(now).count(),
        "undelivered": undelivered.count(),
        "failed": undelivered.filter(attempts__gte=settings.RIPOSTE_DELIVERY_MAX_ATTEMPTS).count(),
        "delivered_24h": len(lags),
        "lag_p50_s": percentile(lags, 50),
        "lag_p95_s": percentile(lags, 95),
        "lag_p99_s": percentile(lags, 99),
    }


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of already sorted values; None when there are none."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]
