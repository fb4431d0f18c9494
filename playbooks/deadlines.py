"""Where a step stands against its deadline: the one verdict every page, paper and sweep uses.

The due moment itself is still on time. A step done at ``done_at <= due_at`` was done on time;
an open step becomes overdue only once ``now > due_at``. Legal deadlines read "within 72 hours"
or "at the latest seventy-two hours after" (Code des assurances, art. L12-10-1; GDPR art.
33(1)): the last instant of the period belongs to the period, so the wizard, the conditions of
the cover, the claim dossier, the insurer's audit and the sweep all give this one answer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class DeadlineState(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # the step was set aside (or the facts no longer call for it)
    NO_DEADLINE = "no_deadline"  # nothing to be late for: done or not, no verdict on time
    ON_TIME = "on_time"  # done at or before the due moment
    LATE = "late"  # done after the due moment
    OPEN = "open"  # not done, the due moment not passed (the due moment itself included)
    OVERDUE = "overdue"  # not done, the due moment passed


def deadline_state(
    *,
    due_at: datetime | None,
    done_at: datetime | None,
    now: datetime,
    applicable: bool = True,
) -> DeadlineState:
    """The verdict on one step: ``done_at`` is when it was done (None while it is not),
    ``applicable`` False when it was set aside or no longer applies."""
    if not applicable:
        return DeadlineState.NOT_APPLICABLE
    if due_at is None:
        return DeadlineState.NO_DEADLINE
    if done_at is not None:
        return DeadlineState.ON_TIME if done_at <= due_at else DeadlineState.LATE
    return DeadlineState.OVERDUE if now > due_at else DeadlineState.OPEN
