"""Step.deadline_state, Step.urgency and Step.rule: one verdict for every page, paper and sweep."""

from datetime import timedelta

import pytest

from incident_app.models import Step
from incident_app.services.steps import complete_step, mark_not_applicable
from playbooks.deadlines import DeadlineState

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(incident):
    return incident.steps.get(key="complaint")


def test_it_is_open_and_pressing_at_the_due_moment_and_overdue_just_after(complaint):
    due = complaint.due_at
    assert complaint.deadline_state(due) is DeadlineState.OPEN
    assert not complaint.is_overdue(due)
    assert complaint.urgency(due) == "soon"
    after = due + timedelta(microseconds=1)
    assert complaint.deadline_state(after) is DeadlineState.OVERDUE
    assert complaint.urgency(after) == "late"
    assert complaint.urgency(due - timedelta(hours=30)) == "ok"


def test_it_says_a_step_done_at_the_due_moment_was_on_time(complaint, manager):
    due = complaint.due_at
    complete_step(complaint, user=manager, done_at=due, now=due)
    complaint.refresh_from_db()
    assert complaint.deadline_state(due + timedelta(days=2)) is DeadlineState.ON_TIME
    assert complaint.was_on_time() is True
    assert complaint.urgency(due + timedelta(days=2)) == ""
    assert not Step.objects.filter(Step.done_late_q(), pk=complaint.pk).exists()


def test_it_says_a_step_done_a_second_late_was_late(complaint, manager):
    done_at = complaint.due_at + timedelta(seconds=1)
    complete_step(complaint, user=manager, done_at=done_at, now=done_at)
    complaint.refresh_from_db()
    assert complaint.deadline_state(done_at) is DeadlineState.LATE
    assert complaint.was_on_time() is False
    assert Step.objects.filter(Step.done_late_q(), pk=complaint.pk).exists()


def test_it_gives_no_verdict_for_a_step_set_aside(complaint, manager):
    mark_not_applicable(complaint, user=manager, reason="Fraude sans intrusion")
    complaint.refresh_from_db()
    assert complaint.deadline_state(complaint.due_at + timedelta(days=9)) is (
        DeadlineState.NOT_APPLICABLE
    )
    assert complaint.urgency(complaint.due_at + timedelta(days=9)) == ""


def test_it_reads_the_deadline_rule_the_playbook_wrote(incident, complaint):
    assert complaint.rule["amount"] == 72
    assert complaint.rule["indemnity_condition"] is True
    assert "L12-10-1" in complaint.legal_source
    hotline = incident.steps.get(key="hotline")
    assert hotline.rule == {}
