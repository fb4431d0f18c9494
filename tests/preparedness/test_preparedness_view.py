"""The preparedness page: the manager edits, a member reads, others have no company here."""

import pytest


def test_it_shows_the_manager_every_form_and_the_checklist(client_for, manager, company, policy):
    response = client_for(manager).get("/preparation/")
    assert response.status_code == 200
    assert "Êtes-vous prêt ?" in response.text
    assert 'action="/preparation/profile/"' in response.text
    assert 'action="/preparation/roster/"' in response.text
    assert f"/entreprises/{company.pk}/fiche-reflexe/" in response.text
    assert "tel:+33180401234" in response.text


def test_a_member_reads_without_forms(client_for, member, prepared_company):
    response = client_for(member).get("/preparation/")
    assert response.status_code == 200
    assert "Claire Lefèvre" in response.text and "tel:+33612345678" in response.text
    assert 'action="/preparation/profile/"' not in response.text
    assert "Retirer" not in response.text


@pytest.mark.parametrize("who", ["broker", "auditor", "staff"])
def test_it_is_a_404_for_whoever_belongs_to_no_company(client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get("/preparation/").status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert client.get("/preparation/").status_code == 302
