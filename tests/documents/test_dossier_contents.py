"""What the claim dossier shows: the compliance table judges steps by their one verdict."""

from datetime import timedelta

import pytest

from documents.services.contents import compliance_rows, verdict
from incident_app.services.steps import complete_step, mark_not_applicable

pytestmark = pytest.mark.django_db


def _row(incident, key, now):
    step = incident.steps.get(key=key)
    return next(r for r in compliance_rows(incident, now, "fr") if r.title == step.text("title"))


def test_it_says_open_at_the_exact_due_moment_and_overdue_a_second_later(incident):
    due = incident.steps.get(key="complaint").due_at
    assert _row(incident, "complaint", due).verdict == "open"
    assert _row(incident, "complaint", due + timedelta(seconds=1)).verdict == "overdue"


def test_it_says_on_time_for_a_step_done_at_the_due_moment(incident, manager):
    complaint = incident.steps.get(key="complaint")
    due = complaint.due_at
    complete_step(complaint, user=manager, done_at=due, now=due, proof_reference="PV 1")
    row = _row(incident, "complaint", due + timedelta(days=3))
    assert row.verdict == "on_time"
    assert row.indemnity_condition is True
    assert row.source_short.startswith("Code des assurances, art. L12-10-1")


def test_it_words_steps_without_a_deadline_or_set_aside(incident, manager):
    hotline = incident.steps.get(key="hotline")
    assert hotline.due_at is None
    now = incident.discovered_at + timedelta(hours=1)
    assert verdict(hotline, now) == "open"
    complete_step(hotline, user=manager, now=now, done_at=now)
    hotline.refresh_from_db()
    assert verdict(hotline, now) == "done"
    complaint = incident.steps.get(key="complaint")
    mark_not_applicable(complaint, user=manager, reason="Fraude sans intrusion")
    complaint.refresh_from_db()
    assert verdict(complaint, now) == "not_applicable"
