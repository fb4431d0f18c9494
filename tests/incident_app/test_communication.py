"""Crisis communication: messages filled from the facts, editable, journaled when sent."""

import pytest
from django.urls import reverse

from incident_app.models import JournalEntry
from incident_app.services.communication import AUDIENCES, draft

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("communication", args=[incident.reference])


def test_it_fills_every_audience_in_both_languages(incident):
    discovered = incident.discovered_at.astimezone(incident.company.zone)
    for audience in AUDIENCES:
        french = draft(incident, audience, "fr")
        english = draft(incident, audience, "en")
        assert "Menuiserie Lefèvre" in french and "Menuiserie Lefèvre" in english
        assert discovered.strftime("%d/%m/%Y") in french
        assert "rançongiciel" in french
        assert "ransomware" in english


def test_it_mentions_personal_data_only_when_it_may_be_involved(incident):
    assert "données vous concernant" in draft(incident, "clients", "fr")
    incident.personal_data = "no"
    assert "données vous concernant" not in draft(incident, "clients", "fr")


def test_it_offers_editable_messages_and_a_copy_button(client_for, manager, incident):
    page = client_for(manager).get(url(incident)).text
    assert page.count("<textarea") == 8
    assert 'data-copy="#msg-press-en"' in page
    assert "Presse" in page and "Salariés" in page


def test_it_journals_the_final_text_when_marked_sent(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident), {"audience": "staff", "lang": "fr", "text": "Ne rallumez aucun poste."}
    )
    assert response.status_code == 302
    entry = incident.journal.get(kind=JournalEntry.Kind.COMMUNICATION_SENT)
    assert entry.data == {"audience": "staff", "lang": "fr", "text": "Ne rallumez aucun poste."}
    assert entry.actor == manager
    assert "Ne rallumez aucun poste." in entry.text


def test_it_refuses_an_empty_message_and_keeps_nothing(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident), {"audience": "press", "lang": "en", "text": " "}
    )
    assert response.status_code == 400
    assert "Le message envoyé est vide." in response.text
    assert not incident.journal.filter(kind=JournalEntry.Kind.COMMUNICATION_SENT).exists()


def test_it_refuses_an_unknown_audience(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident), {"audience": "aliens", "lang": "fr", "text": "x"}
    )
    assert response.status_code == 400
    assert not incident.journal.filter(kind=JournalEntry.Kind.COMMUNICATION_SENT).exists()


def test_it_is_linked_from_the_communication_step(client_for, manager, incident):
    page = (
        client_for(manager)
        .get(reverse("step_detail", args=[incident.reference, "communication"]))
        .text
    )
    assert url(incident) in page


@pytest.mark.parametrize("who", ["broker", "auditor"])
def test_it_lets_readers_see_but_not_record(request, client_for, incident, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(incident)).status_code == 200
    response = client.post(url(incident), {"audience": "staff", "lang": "fr", "text": "x"})
    assert response.status_code == 404
