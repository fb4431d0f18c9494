"""The one deadline verdict: on time, late, open, overdue; the due moment itself is on time."""

from datetime import UTC, datetime, timedelta

import pytest

from playbooks.deadlines import DeadlineState, deadline_state

DUE = datetime(2026, 10, 26, 20, 15, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("done_at", "now", "expected"),
    [
        (None, DUE - SECOND, DeadlineState.OPEN),
        (None, DUE, DeadlineState.OPEN),
        (None, DUE + SECOND, DeadlineState.OVERDUE),
        (DUE - SECOND, DUE + timedelta(days=3), DeadlineState.ON_TIME),
        (DUE, DUE + timedelta(days=3), DeadlineState.ON_TIME),
        (DUE + SECOND, DUE + timedelta(days=3), DeadlineState.LATE),
    ],
)
def test_it_keeps_the_due_moment_itself_on_time(done_at, now, expected):
    assert deadline_state(due_at=DUE, done_at=done_at, now=now) is expected


def test_it_gives_no_verdict_without_a_deadline_or_for_a_step_set_aside():
    assert deadline_state(due_at=None, done_at=None, now=DUE) is DeadlineState.NO_DEADLINE
    assert deadline_state(due_at=None, done_at=DUE, now=DUE) is DeadlineState.NO_DEADLINE
    state = deadline_state(due_at=DUE, done_at=None, now=DUE + SECOND, applicable=False)
    assert state is DeadlineState.NOT_APPLICABLE
