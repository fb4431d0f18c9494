"""Closing a handled incident and reopening it: the manager only, journaled, reminders follow."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from incident_app.models import Incident, JournalEntry, Notification, Reminder, verify_chain
from incident_app.services.incidents import (
    close_incident,
    correct_facts,
    reopen_incident,
)
from incident_app.services.steps import complete_step
from incident_app.services.sweep import run_sweep

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("incident_status", args=[incident.reference])


def page(client, incident):
    return client.get(reverse("incident_detail", args=[incident.reference]))


def pending(incident):
    """The steps (by key) and offsets of the reminders still to come."""
    return set(
        Reminder.objects.filter(
            step__incident=incident, claimed_at__isnull=True, cancelled_at__isnull=True
        ).values_list("step__key", "offset_minutes")
    )


def status_entries(incident):
    return list(incident.journal.filter(kind=JournalEntry.Kind.STATUS_CHANGED).order_by("seq"))


def past_every_deadline(incident):
    return max(step.due_at for step in incident.steps.exclude(due_at=None)) + timedelta(days=1)


def test_it_closes_the_incident_with_its_reason_and_stops_the_reminders(
    client_for, manager, incident
):
    assert pending(incident)
    response = client_for(manager).post(
        url(incident), {"action": "close", "reason": "Systèmes rétablis, plainte déposée."}
    )
    assert response.status_code == 302
    assert response.url == reverse("incident_detail", args=[incident.reference])
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    [entry] = status_entries(incident)
    assert entry.actor == manager
    assert entry.text == "Incident clos : Systèmes rétablis, plainte déposée."
    assert entry.data == {
        "from": "declared",
        "to": "closed",
        "reason": "Systèmes rétablis, plainte déposée.",
    }
    assert pending(incident) == set()
    journal_before = incident.journal.count()

    result = run_sweep(now=past_every_deadline(incident))

    assert result.claimed == 0
    assert not Notification.objects.filter(reminder__step__incident=incident).exists()
    assert incident.journal.count() == journal_before
    assert verify_chain(incident) is None


def test_it_shows_a_closed_incident_without_the_forms_to_complete_steps(
    client_for, manager, member, incident
):
    close_incident(incident, user=manager, reason="Traité.")
    facts_url = reverse("incident_facts", args=[incident.reference])
    for user in (manager, member):
        text = page(client_for(user), incident).text
        assert "Cet incident est clos." in text
        assert reverse("step_complete", args=[incident.reference, "hotline"]) not in text
        assert reverse("step_not_applicable", args=[incident.reference, "hotline"]) not in text
        assert reverse("evidence_upload", args=[incident.reference]) not in text
    assert f"{facts_url}#status" in page(client_for(manager), incident).text
    assert f"{facts_url}#status" not in page(client_for(member), incident).text


def test_it_stops_entrusting_steps_once_closed(client_for, manager, member, incident):
    close_incident(incident, user=manager, reason="Traité.")
    client = client_for(manager)
    crisis_url = reverse("crisis_cell", args=[incident.reference])
    assert f"{crisis_url}#assign-" not in page(client, incident).text
    assert 'name="assignee"' not in client.get(crisis_url).text
    assign_url = reverse("step_assign", args=[incident.reference, "complaint"])
    assert client.post(assign_url, {"assignee": member.pk}).status_code == 404
    assert incident.steps.get(key="complaint").assignee is None


def test_it_says_nothing_of_closing_on_an_open_incident(client_for, manager, incident):
    text = page(client_for(manager), incident).text
    assert "Cet incident est clos." not in text
    assert reverse("step_complete", args=[incident.reference, "hotline"]) in text


def test_it_offers_to_close_then_to_reopen_on_the_facts_page(client_for, manager, incident):
    client = client_for(manager)
    facts_url = reverse("incident_facts", args=[incident.reference])
    text = client.get(facts_url).text
    assert "Clore l’incident" in text
    assert f'action="{url(incident)}"' in text
    assert 'name="action" value="close"' in text
    assert 'name="reason"' in text

    close_incident(incident, user=manager, reason="Traité.")

    text = client.get(facts_url).text
    assert "Rouvrir l’incident" in text
    assert 'name="action" value="reopen"' in text


def test_it_reopens_and_plans_the_reminders_of_open_steps_again(client_for, manager, incident):
    complete_step(incident.steps.get(key="hotline"), user=manager)
    planned = pending(incident)
    assert planned and not any(key == "hotline" for key, _ in planned)
    close_incident(incident, user=manager, reason="Traité.")
    assert pending(incident) == set()

    response = client_for(manager).post(
        url(incident), {"action": "reopen", "reason": "Une nouvelle intrusion."}
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DECLARED
    assert pending(incident) == planned
    closing, reopening = status_entries(incident)
    assert reopening.text == "Incident rouvert : Une nouvelle intrusion."
    assert reopening.data == {
        "from": "closed",
        "to": "declared",
        "reason": "Une nouvelle intrusion.",
    }
    assert reopening.actor == manager
    assert verify_chain(incident) is None
    text = page(client_for(manager), incident).text
    assert "Cet incident est clos." not in text
    assert reverse("step_complete", args=[incident.reference, "isolate"]) in text


def test_it_reopens_at_the_stage_the_claim_had(manager, incident):
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.RECONSTRUCTION)
    close_incident(incident, user=manager, reason="Traité.")
    reopened = reopen_incident(incident, user=manager, reason="Pas fini.")
    assert reopened.status == Incident.Status.RECONSTRUCTION
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.RECONSTRUCTION


def test_it_keeps_a_closed_incidents_reminders_cancelled_when_facts_change(manager, incident):
    close_incident(incident, user=manager, reason="Traité.")
    change = correct_facts(
        Incident.objects.get(pk=incident.pk),
        actor=manager,
        discovered_at=incident.discovered_at - timedelta(hours=3),
    )
    assert change
    assert pending(incident) == set()


def test_it_refuses_to_close_twice(client_for, manager, incident):
    close_incident(incident, user=manager, reason="Traité.")
    response = client_for(manager).post(url(incident), {"action": "close", "reason": "Encore."})
    assert response.status_code == 400
    assert "Cet incident est déjà clos." in response.text
    assert len(status_entries(incident)) == 1
    with pytest.raises(ValidationError) as refused:
        close_incident(incident, user=manager, reason="Encore.")
    assert refused.value.code == "already_closed"


def test_it_refuses_to_reopen_an_open_incident(client_for, manager, incident):
    response = client_for(manager).post(url(incident), {"action": "reopen", "reason": "Pourquoi ?"})
    assert response.status_code == 400
    assert "Cet incident n" in response.text and "est pas clos." in response.text
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DECLARED
    assert status_entries(incident) == []


def test_it_refuses_to_reopen_a_claim_the_insurer_refused(client_for, manager, incident):
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.REFUSED)
    with pytest.raises(ValidationError) as refused:
        reopen_incident(incident, user=manager, reason="Contestation.")
    assert refused.value.code == "not_closed"
    text = client_for(manager).get(reverse("incident_facts", args=[incident.reference])).text
    assert url(incident) not in text


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_an_empty_reason(client_for, manager, incident, reason):
    before = pending(incident)
    response = client_for(manager).post(url(incident), {"action": "close", "reason": reason})
    assert response.status_code == 400
    assert "Indiquez le motif de la clôture." in response.text
    # The facts page again, its own form filled in as the incident stands.
    assert "Corriger les faits" in response.text
    assert 'value="ransomware" id="id_kinds_0" checked' in response.text
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DECLARED
    assert status_entries(incident) == []
    assert pending(incident) == before
    with pytest.raises(ValidationError) as refused:
        close_incident(incident, user=manager, reason=reason)
    assert refused.value.code == "reason"


def test_it_refuses_a_reason_over_500_characters(client_for, manager, incident):
    response = client_for(manager).post(url(incident), {"action": "close", "reason": "x" * 501})
    assert response.status_code == 400
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DECLARED


@pytest.mark.parametrize("who", ["member", "broker", "auditor", "outsider"])
def test_it_is_the_managers_alone(request, client_for, incident, who):
    client = client_for(request.getfixturevalue(who))
    before = pending(incident)
    response = client.post(url(incident), {"action": "close", "reason": "Traité."})
    assert response.status_code == 404
    assert client.get(url(incident)).status_code == 404
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DECLARED
    assert status_entries(incident) == []
    assert pending(incident) == before


def test_it_answers_404_for_another_companys_incident(client_for, manager, other_incident):
    response = client_for(manager).post(url(other_incident), {"action": "close", "reason": "x"})
    assert response.status_code == 404
    assert Incident.objects.get(pk=other_incident.pk).status == Incident.Status.DECLARED


def test_it_requires_the_csrf_token(manager, incident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(url(incident), {"action": "close", "reason": "Traité."})
    assert response.status_code == 403
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DECLARED


def test_it_sends_a_get_to_the_facts_page(client_for, manager, incident):
    response = client_for(manager).get(url(incident))
    assert response.status_code == 302
    assert response.url == reverse("incident_facts", args=[incident.reference])


def test_it_asks_to_sign_in(client, incident):
    response = client.post(url(incident), {"action": "close", "reason": "Traité."})
    assert response.status_code == 302
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DECLARED
