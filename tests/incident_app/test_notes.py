"""The journal page and free notes: the company and its broker write, the auditor reads."""

import pytest
from django.urls import reverse

from incident_app.models import JournalEntry

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("journal_note", args=[incident.reference])


@pytest.mark.parametrize("who", ["manager", "member", "broker"])
def test_it_appends_a_note_chained_to_the_journal(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(url(incident), {"text": "Expert arrivé sur site à 14 h."})
    assert response.status_code == 302
    note = incident.journal.get(kind=JournalEntry.Kind.NOTE)
    assert note.text == "Expert arrivé sur site à 14 h."
    assert note.actor == user
    assert note.prev_hash == incident.journal.get(seq=note.seq - 1).hash


def test_it_refuses_an_empty_note(client_for, manager, incident):
    response = client_for(manager).post(url(incident), {"text": "   "})
    assert response.status_code == 400
    assert "La note est vide." in response.text
    assert not incident.journal.filter(kind=JournalEntry.Kind.NOTE).exists()


def test_it_answers_htmx_with_the_journal_section(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident), {"text": "Serveur débranché."}, HTTP_HX_REQUEST="true"
    )
    assert response.text.lstrip().startswith('<section id="journal"')
    assert "Serveur débranché." in response.text


def test_it_lets_the_auditor_read_but_not_write(client_for, auditor, incident):
    client = client_for(auditor)
    response = client.get(url(incident))
    assert response.status_code == 200
    assert "Incident déclaré" in response.text
    assert 'name="text"' not in response.text
    assert client.post(url(incident), {"text": "je passe"}).status_code == 404
    assert not incident.journal.filter(kind=JournalEntry.Kind.NOTE).exists()


def test_it_lists_entries_newest_first_in_the_companys_zone(client_for, manager, incident):
    client = client_for(manager)
    client.post(url(incident), {"text": "Première note"})
    client.post(url(incident), {"text": "Seconde note"})
    page = client.get(url(incident)).text
    assert page.index("Seconde note") < page.index("Première note") < page.index("Incident déclaré")
    last = incident.journal.order_by("-seq").first()
    local = last.created_at.astimezone(incident.company.zone)
    assert f"{local:%H:%M}" in page


def test_it_says_when_the_journal_was_tampered_with(client_for, manager, incident):
    client = client_for(manager)
    client.post(url(incident), {"text": "Note honnête"})
    # Bypass the application, as an attacker with database access would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incident_app_journalentry SET text = %s WHERE kind = %s",
            ["Note falsifiée", "note"],
        )
    page = client.get(url(incident)).text
    assert "Le journal a été altéré" in page
    assert "n° 2" in page
