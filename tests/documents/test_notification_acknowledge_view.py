"""Recording the authority's acknowledgement on the notification page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.services.notification import start_notification


@pytest.fixture
def notification(incident, manager):
    return start_notification(incident, manager)


def url(notification):
    return f"/incidents/{notification.incident.reference}/notification/{notification.pk}/accuse/"


def local(moment, company):
    return moment.astimezone(company.zone).strftime("%Y-%m-%dT%H:%M")


def test_it_records_the_number_and_the_receipt(client_for, manager, notification, company):
    response = client_for(manager).post(
        url(notification),
        {
            "number": "CNIL-42",
            "notified_at": local(timezone.now() - timedelta(minutes=5), company),
            "receipt": SimpleUploadedFile("accuse.txt", b"accuse de reception"),
        },
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.acknowledgement_number == "CNIL-42"
    assert notification.incident.steps.get(key="dpa_notification").proof_reference == "CNIL-42"


def test_it_refuses_a_time_in_the_future_and_records_nothing(
    client_for, manager, notification, company
):
    response = client_for(manager).post(
        url(notification),
        {"number": "CNIL-42", "notified_at": local(timezone.now() + timedelta(days=1), company)},
    )
    assert response.status_code == 400
    assert "futur" in response.text
    notification.refresh_from_db()
    assert not notification.acknowledgement_number


def test_the_broker_may_not_record_it(client_for, broker, notification, company):
    response = client_for(broker).post(
        url(notification), {"number": "X", "notified_at": local(timezone.now(), company)}
    )
    assert response.status_code == 404
