"""manage.py sweep --no-loop: one pass of the deadline sweep from the command line."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from incident_app.models import Notification, Reminder, SweepRun

pytestmark = pytest.mark.django_db


def test_it_sweeps_once_and_says_what_it_did(incident, manager):
    complaint = incident.steps.get(key="complaint")
    complaint.due_at = timezone.now() - timedelta(seconds=1)
    complaint.save()
    # The deadline just passed: only the overdue notice is due, the others were cancelled.
    Reminder.objects.filter(step=complaint, offset_minutes=0).update(fire_at=complaint.due_at)
    Reminder.objects.filter(step=complaint, offset_minutes__gt=0).update(
        cancelled_at=complaint.due_at
    )
    out = StringIO()
    call_command("sweep", "--no-loop", stdout=out)
    assert "claimed=1" in out.getvalue()
    assert SweepRun.objects.count() == 1
    assert Notification.objects.filter(step=complaint, user=manager).count() == 2
