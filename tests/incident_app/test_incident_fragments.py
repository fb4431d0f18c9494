"""The incident page's cached fragments: each reader gets the fragment of their incident as it
is now, in their language and for their rights, never one cached for someone else."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from incident_app import fragments
from incident_app.models import JournalEntry

pytestmark = pytest.mark.django_db


def page(client, incident):
    return client.get(reverse("incident_detail", args=[incident.reference]))


def switch(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_it_serves_a_fragment_from_the_cache_until_the_journal_moves(client_for, manager, incident):
    client = client_for(manager)
    assert "Point de situation n° 1" not in page(client, incident).text
    incident.refresh_from_db()
    head = fragments.key("journal", incident, fragments.viewer(True, True, True), [""])
    assert cache.get(head) is not None, "the journal fragment was cached"
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Point de situation n° 1", actor=manager)
    response = page(client, incident)
    assert "Point de situation n° 1" in response.text
    # The entry moved the key: the old fragment is no longer what the page is built from.
    assert fragments.key("journal", incident, fragments.viewer(True, True, True), [""]) != head


def test_it_keeps_a_fragment_in_each_language(client_for, manager, incident):
    client = client_for(manager)
    french = page(client, incident).text
    assert "Porter plainte" in french and "File a police complaint" not in french
    switch(client, "en")
    english = page(client, incident).text
    assert "File a police complaint" in english and "Porter plainte" not in english
    switch(client, "fr")
    assert "Porter plainte" in page(client, incident).text


def test_it_never_gives_a_reader_the_fragment_of_someone_with_other_rights(
    client_for, client, manager, member, incident
):
    manager_page = page(client_for(manager), incident).text
    assert "Confier cette étape à un membre de la cellule de crise" in manager_page
    # Same incident, same journal head, same language: only the rights differ.
    client.force_login(member)
    member_page = page(client, incident).text
    assert "Confier cette étape à un membre de la cellule de crise" not in member_page
    assert "C’est fait ? Enregistrez-le" in member_page


def test_it_puts_each_readers_own_csrf_token_in_a_cached_form(client, manager, incident):
    client.force_login(manager)
    page(client, incident)
    cached = page(client, incident).text
    assert fragments.CSRF_PLACEHOLDER not in cached
    complete = reverse("step_complete", args=[incident.reference, "hotline"])
    client.handler.enforce_csrf_checks = True
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached).group(1)
    response = client.post(
        complete, {"csrfmiddlewaretoken": form_token, "proof_reference": "ASS-1"}
    )
    assert response.status_code in (200, 302)
    assert incident.steps.get(key="hotline").status == "done"
