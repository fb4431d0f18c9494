"""Broker notes: internal to the brokerage, or shared with the company, which is told."""

import pytest
from django.urls import reverse

from broker.models import BrokerNote
from incident_app.models import Notification

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("broker_note_add", args=[incident.reference])


def test_it_keeps_an_internal_note_from_the_company(client_for, broker, manager, incident):
    response = client_for(broker).post(url(incident), {"text": "Client difficile à joindre"})
    assert response.status_code == 302
    note = BrokerNote.objects.get()
    assert not note.shared
    assert not incident.journal.filter(kind="broker_note").exists()
    assert not Notification.objects.filter(user=manager, subject__contains="note").exists()
    assert (
        "Client difficile"
        in client_for(broker).get(reverse("broker_incident", args=[incident.reference])).text
    )
    page = client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    assert "Client difficile" not in page


def test_it_shares_a_note_and_tells_the_company(client_for, broker, manager, incident):
    client_for(broker).post(url(incident), {"text": "Pensez à la plainte", "shared": "on"})
    assert BrokerNote.objects.get().shared
    assert incident.journal.filter(
        kind="broker_note", text__contains="Pensez à la plainte"
    ).exists()
    assert Notification.objects.filter(
        user=manager, channel="in_app", subject__contains="une note de votre courtier"
    ).exists()
    page = client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    assert "Pensez à la plainte" in page


def test_it_refuses_an_empty_note(client_for, broker, incident):
    response = client_for(broker).post(url(incident), {"text": "  ", "shared": "on"})
    assert response.status_code == 400
    assert not BrokerNote.objects.exists()


@pytest.mark.parametrize(
    "who", ["manager", "member", "auditor", "other_broker", "outsider", "expert", "staff"]
)
def test_it_lets_no_one_but_the_broker_write(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    assert client_for(user).post(url(incident), {"text": "Hello"}).status_code == 404
    assert not BrokerNote.objects.exists()
