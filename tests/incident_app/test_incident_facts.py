"""Correcting the facts deadlines count from: manager only, journaled, explained."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incident_app.models import Incident, JournalEntry
from incident_app.services.incidents import open_incident
from incident_app.services.steps import complete_step

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("incident_facts", args=[incident.reference])


def local(incident, value):
    return value.astimezone(incident.company.zone).strftime("%Y-%m-%dT%H:%M")


def facts(incident, **changes):
    """The form as the page shows it for ``incident``, with ``changes`` typed in."""
    data = {
        "kinds": incident.kinds,
        "discovered_at": local(incident, incident.discovered_at),
        "personal_data": incident.personal_data,
    }
    data.update(changes)
    return data


@pytest.fixture
def other_kind(company, policy, manager):
    """Declared "Autre" five hours ago: the manager did not know what it was."""
    return open_incident(
        company=company,
        policy=policy,
        kinds=["other"],
        discovered_at=(timezone.now() - timedelta(hours=5)).replace(second=0, microsecond=0),
        personal_data="no",
        declared_by=manager,
    )


def test_it_moves_deadlines_and_explains_the_change(client_for, manager, incident):
    client = client_for(manager)
    before = incident.steps.get(key="complaint").due_at
    earlier = (incident.discovered_at - timedelta(hours=5)).replace(second=0, microsecond=0)
    response = client.post(url(incident), facts(incident, discovered_at=local(incident, earlier)))
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
        url(incident), facts(incident, discovered_at=local(incident, later))
    )
    assert response.status_code == 400
    assert "dans le futur" in response.text
    assert Incident.objects.get().discovered_at == incident.discovered_at


def test_it_refuses_to_move_the_discovery_after_a_step_done(client_for, manager, incident):
    done_at = (incident.discovered_at + timedelta(minutes=30)).replace(second=0, microsecond=0)
    complete_step(incident.steps.get(key="hotline"), user=manager, done_at=done_at)
    later = incident.discovered_at + timedelta(hours=1)
    response = client_for(manager).post(
        url(incident), facts(incident, discovered_at=local(incident, later))
    )
    assert response.status_code == 400
    assert "l'attaque était connue au plus tard" in response.text.replace("&#x27;", "'")
    assert local(incident, done_at)[-5:] in response.text
    assert Incident.objects.get().discovered_at == incident.discovered_at
    assert not incident.journal.filter(kind=JournalEntry.Kind.FACT_CORRECTED).exists()


@pytest.mark.parametrize("field", ["discovered_at", "personal_data_aware_at"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_it_refuses_an_implausible_year(client_for, manager, incident, field, value):
    response = client_for(manager).post(
        url(incident), facts(incident, personal_data="yes", **{field: value})
    )
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
        url(incident), facts(incident, personal_data="no", high_risk="on")
    )
    assert response.status_code == 400
    assert "suppose que des données sont touchées" in response.text
    assert not Incident.objects.get().high_risk


def test_it_adds_the_steps_personal_data_calls_for(client_for, manager, incident):
    client_for(manager).post(url(incident), facts(incident, personal_data="yes", high_risk="on"))
    assert incident.steps.filter(key="data_subjects", applicable=True).exists()


def test_it_shows_the_kinds_ticked_at_declaration(client_for, manager, other_kind):
    page = client_for(manager).get(url(other_kind)).text
    assert "Que se passe-t-il ?" in page
    assert "Fraude au virement" in page
    assert 'name="kinds" value="other" id="id_kinds_7" checked>' in page
    assert 'name="kinds" value="transfer_fraud" id="id_kinds_2">' in page


def test_it_adds_a_kind_and_the_steps_it_calls_for(client_for, manager, other_kind):
    client = client_for(manager)
    complaint_due = other_kind.steps.get(key="complaint").due_at
    assert not other_kind.steps.filter(key="bank_recall").exists()

    response = client.post(url(other_kind), facts(other_kind, kinds=["transfer_fraud", "other"]))

    assert response.status_code == 302
    other_kind.refresh_from_db()
    assert other_kind.kinds == ["transfer_fraud", "other"]
    recall = other_kind.steps.get(key="bank_recall")
    assert recall.applicable
    # Recalling a transfer has no legal deadline: it is to be done at once.
    assert recall.due_at is None and recall.definition["at_once"]
    # A new kind moves no deadline: they still count from the discovery, not the correction.
    assert other_kind.steps.get(key="complaint").due_at == complaint_due
    assert complaint_due == other_kind.discovered_at + timedelta(hours=72)
    correction = other_kind.journal.get(kind=JournalEntry.Kind.FACT_CORRECTED)
    assert correction.actor == manager
    assert correction.data == {"kinds": {"old": ["other"], "new": ["transfer_fraud", "other"]}}
    assert correction.text == "nature de l'attaque : Autre → Fraude au virement, Autre"
    plan = other_kind.journal.get(kind=JournalEntry.Kind.PLAN_CHANGED)
    assert plan.data["added"] == ["bank_recall"]
    page = client.get(response.url).text
    assert "Faits corrigés." in page
    assert "Appeler la banque pour rappeler le virement" in page


def test_it_refuses_to_remove_every_kind(client_for, manager, other_kind):
    response = client_for(manager).post(url(other_kind), facts(other_kind, kinds=[]))
    assert response.status_code == 400
    assert "Cochez au moins une situation." in response.text
    other_kind.refresh_from_db()
    assert other_kind.kinds == ["other"]
    assert not other_kind.journal.filter(kind=JournalEntry.Kind.FACT_CORRECTED).exists()


def test_it_sees_no_correction_in_the_same_kinds_ticked_in_another_order(
    client_for, manager, other_kind
):
    Incident.objects.filter(pk=other_kind.pk).update(kinds=["other", "transfer_fraud"])
    other_kind.refresh_from_db()
    response = client_for(manager).post(
        url(other_kind), facts(other_kind, kinds=["transfer_fraud", "other"]), follow=True
    )
    assert "Rien n&#x27;a changé." in response.text
    assert Incident.objects.get().kinds == ["other", "transfer_fraud"]
    assert not other_kind.journal.filter(kind=JournalEntry.Kind.FACT_CORRECTED).exists()


def test_it_does_not_let_a_member_correct_the_kinds(client_for, member, other_kind):
    response = client_for(member).post(url(other_kind), facts(other_kind, kinds=["transfer_fraud"]))
    assert response.status_code == 404
    other_kind.refresh_from_db()
    assert other_kind.kinds == ["other"]
    assert not other_kind.steps.filter(key="bank_recall").exists()
    assert not other_kind.journal.filter(kind=JournalEntry.Kind.FACT_CORRECTED).exists()


@pytest.mark.parametrize("who", ["member", "broker", "auditor"])
def test_it_is_for_managers_only(request, client_for, incident, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(incident)).status_code == 404
    assert client.post(url(incident), {"personal_data": "yes"}).status_code == 404
