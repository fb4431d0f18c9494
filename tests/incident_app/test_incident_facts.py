"""Correcting the facts deadlines count from: manager only, journaled, explained."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incident_app.models import Incident, JournalEntry

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("incident_facts", args=[incident.reference])


def local(incident, value):
    return value.astimezone(incident.company.zone).strftime("%Y-%m-%dT%H:%M")


def test_it_moves_deadlines_and_explains_the_change(client_for, manager, incident):
    client = client_for(manager)
    before = incident.steps.get(key="complaint").due_at
    earlier = (incident.discovered_at - timedelta(hours=5)).replace(second=0, microsecond=0)
    response = client.post(
        url(incident),
        {"discovered_at": local(incident, earlier), "personal_data": "unknown"},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.discovered_at == earlier
    assert incident.steps.get(key="complaint").due_at == earlier + timedelta(hours=72)
    assert incident.steps.get(key="complaint").due_at < before
    assert incident.journal.filter(kind=JournalEntry.Kind.FACT_CORRECTED).exists()
    page = client.get(response.url).text
    assert "Faits corrigés." in page
    assert "Porter plainte" in page


def test_it_refuses_a_future_discovery(client_for, manager, incident):
    later = timezone.now() + timedelta(days=1)
    response = client_for(manager).post(
        url(incident), {"discovered_at": local(incident, later), "personal_data": "unknown"}
    )
    assert response.status_code == 400
    assert "dans le futur" in response.text
    assert Incident.objects.get().discovered_at == incident.discovered_at


@pytest.mark.parametrize("field", ["discovered_at", "personal_data_aware_at"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_it_refuses_an_implausible_year(client_for, manager, incident, field, value):
    data = {"discovered_at": local(incident, incident.discovered_at), "personal_data": "yes"}
    data[field] = value
    response = client_for(manager).post(url(incident), data)
    assert response.status_code == 400
    assert "Vérifiez l'année : indiquez une date entre 2000 et 2100." in response.text.replace(
        "&#x27;", "'"
    )
    unchanged = Incident.objects.get()
    assert unchanged.discovered_at == incident.discovered_at
    assert unchanged.personal_data == "unknown"
    assert unchanged.personal_data_aware_at is None
    assert not unchanged.journal.filter(kind=JournalEntry.Kind.FACT_CORRECTED).exists()


def test_it_refuses_contradictory_answers(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident),
        {
            "discovered_at": local(incident, incident.discovered_at),
            "personal_data": "no",
            "high_risk": "on",
        },
    )
    assert response.status_code == 400
    assert "suppose que des données sont touchées" in response.text
    assert not Incident.objects.get().high_risk


def test_it_adds_the_steps_personal_data_calls_for(client_for, manager, incident):
    client_for(manager).post(
        url(incident),
        {
            "discovered_at": local(incident, incident.discovered_at),
            "personal_data": "yes",
            "high_risk": "on",
        },
    )
    assert incident.steps.filter(key="data_subjects", applicable=True).exists()


@pytest.mark.parametrize("who", ["member", "broker", "auditor"])
def test_it_is_for_managers_only(request, client_for, incident, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(incident)).status_code == 404
    assert client.post(url(incident), {"personal_data": "yes"}).status_code == 404
