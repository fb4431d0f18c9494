"""The insurer's compliance counts: late as the steps judge it, the due moment on time."""

from datetime import timedelta

import pytest

from incident_app.models import Incident
from incident_app.services.steps import complete_step
from insurer.audit import compliance_by_step

pytestmark = pytest.mark.django_db


def _complaint_row(incident):
    rows = compliance_by_step(Incident.objects.filter(pk=incident.pk))
    return next(row for row in rows if row["key"] == "complaint")


def test_it_does_not_count_a_step_done_at_the_due_moment_as_late(incident, manager):
    complaint = incident.steps.get(key="complaint")
    due = complaint.due_at
    complete_step(complaint, user=manager, done_at=due, now=due)
    row = _complaint_row(incident)
    assert (row["total"], row["done"], row["late"]) == (1, 1, 0)


def test_it_counts_a_step_done_a_second_after_as_late(incident, manager):
    complaint = incident.steps.get(key="complaint")
    done_at = complaint.due_at + timedelta(seconds=1)
    complete_step(complaint, user=manager, done_at=done_at, now=done_at)
    row = _complaint_row(incident)
    assert (row["done"], row["late"]) == (1, 1)
