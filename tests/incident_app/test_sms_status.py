"""The SMS provider's delivery report, through an address signed for one notification."""

import json

import pytest
from django.urls import reverse

from incident_app.models import Notification
from incident_app.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(incident, manager):
    step = incident.steps.get(key="complaint")
    return Notification.objects.create(
        incident=incident,
        step=step,
        user=manager,
        channel="sms",
        subject="s",
        provider_reference="riposte-1",
    )


def report(client, url, message_id, group="DELIVERED"):
    body = {"results": [{"messageId": message_id, "status": {"groupName": group}}]}
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_records_the_delivery(client, sms):
    url = notify.sms_status_url(sms)
    assert report(client, url, "riposte-1").status_code == 204
    sms.refresh_from_db()
    assert sms.provider_status == "delivered" and sms.provider_status_at is not None


def test_it_records_an_undeliverable_message(client, sms):
    report(client, notify.sms_status_url(sms), "riposte-1", "UNDELIVERABLE")
    sms.refresh_from_db()
    assert sms.provider_status == "undeliverable"


def test_it_refuses_a_forged_address(client, sms):
    token = notify.sms_status_url(sms).rstrip("/").rsplit("/", 1)[-1]
    forged = token.replace(str(sms.pk), str(sms.pk + 1), 1)
    response = report(client, reverse("sms_status", kwargs={"token": forged}), "riposte-1")
    assert response.status_code == 404
    response = report(client, reverse("sms_status", kwargs={"token": str(sms.pk)}), "riposte-1")
    assert response.status_code == 404
    sms.refresh_from_db()
    assert sms.provider_status == ""


def test_it_ignores_a_report_about_another_message(client, sms):
    report(client, notify.sms_status_url(sms), "riposte-999")
    sms.refresh_from_db()
    assert sms.provider_status == ""


def test_it_refuses_what_is_not_json_and_get(client, sms):
    url = notify.sms_status_url(sms)
    assert client.post(url, "nope", content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405
