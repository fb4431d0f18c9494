"""manage.py sweep_status: last sweep, backlog, and the delivery lag percentiles."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from incident_app.models import Notification, Reminder, SweepRun
from incident_app.services.sweep import percentile

pytestmark = pytest.mark.django_db


def _status() -> str:
    out = StringIO()
    call_command("sweep_status", stdout=out)
    return out.getvalue()


def test_it_says_when_the_sweep_never_ran():
    assert "last_sweep: never" in _status()


def test_it_prints_last_sweep_backlog_and_lag(incident, manager):
    now = timezone.now()
    SweepRun.objects.create(started_at=now - timedelta(seconds=20), duration_ms=7)
    # Two reminders due and unclaimed: the backlog.
    Reminder.objects.filter(step__key="complaint", offset_minutes__in=[1440, 360]).update(
        fire_at=now - timedelta(minutes=1)
    )
    for seconds in range(1, 101):
        Notification.objects.create(
            incident=incident,
            user=manager,
            channel="email",
            subject="s",
            delivered_at=now,
            lag=timedelta(seconds=seconds),
        )
    output = _status()
    assert "(20 s ago, 7 ms)" in output
    assert "backlog: 2 due reminders" in output
    assert "delivered_24h: 100" in output
    assert "lag_p50: 50.0 s  lag_p95: 95.0 s  lag_p99: 99.0 s" in output


def test_it_computes_nearest_rank_percentiles():
    assert percentile([], 99) is None
    assert percentile([4.0], 50) == 4.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 99) == 4.0


def test_it_shows_the_same_figures_to_staff_in_the_admin(client_for, staff, incident):
    SweepRun.objects.create(started_at=timezone.now(), duration_ms=3, claimed=4)
    response = client_for(staff).get(reverse("admin:incident_app_sweeprun_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rappels en attente" in html
    assert "Retard de remise" in html
    assert (
        client_for(staff).get(reverse("admin:incident_app_reminder_changelist")).status_code == 200
    )
    assert (
        client_for(staff).get(reverse("admin:incident_app_notification_changelist")).status_code
        == 200
    )
