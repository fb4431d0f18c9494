"""The journals are verified on a schedule; a break is reported to staff once."""

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from incident_app import tasks
from incident_app.models import JournalAlert, JournalEntry

pytestmark = pytest.mark.django_db


def alter(incident, seq):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JournalEntry._meta.db_table} SET text = %s WHERE incident_id = %s "
            "AND seq = %s",
            ["Réécrit", incident.pk, seq],
        )


def test_it_says_nothing_while_every_journal_holds(incident, other_incident, staff):
    assert tasks.verify_journals() == 0
    assert not JournalAlert.objects.exists()
    assert mail.outbox == []


def test_it_alerts_staff_once_per_break(incident, other_incident, manager, staff):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Box isolée.", actor=manager)
    alter(incident, 2)
    assert tasks.verify_journals() == 1
    alert = JournalAlert.objects.get()
    assert alert.incident == incident
    assert f"BROKEN {incident.reference} #2" in alert.description
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [staff.email]
    assert f"BROKEN {incident.reference} #2" in mail.outbox[0].body

    # The next runs find the same break: no new alert, no new mail.
    assert tasks.verify_journals() == 0
    assert tasks.verify_journals() == 0
    assert JournalAlert.objects.count() == 1
    assert len(mail.outbox) == 1

    # A further break of the same journal is a new alert.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {JournalEntry._meta.db_table} WHERE incident_id = %s AND seq = 1",
            [incident.pk],
        )
    assert tasks.verify_journals() == 1
    assert len(mail.outbox) == 2


def test_it_lists_the_alerts_for_staff_in_the_admin(client_for, staff, incident, manager):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Box isolée.", actor=manager)
    alter(incident, 1)
    tasks.verify_journals()
    page = client_for(staff).get(reverse("admin:incident_app_journalalert_changelist"))
    assert page.status_code == 200
    assert incident.reference in page.text


def test_it_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"incident_app.verify_journals", "core.purge_security_log"} <= schedule
