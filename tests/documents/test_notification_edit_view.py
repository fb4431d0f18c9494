"""Editing a notification: the art. 33(3) content saved, what is missing listed, bad input
refused with a message and nothing changed."""

import pytest

from documents.services.notification import start_notification


@pytest.fixture
def notification(incident, manager):
    return start_notification(incident, manager)


def url(notification):
    return f"/incidents/{notification.incident.reference}/notification/{notification.pk}/"


def test_it_lists_what_is_missing(client_for, member, notification):
    response = client_for(member).get(url(notification))
    assert response.status_code == 200
    assert "Ce qui manque encore" in response.text
    assert "les catégories de personnes concernées" in response.text


def test_it_saves_the_content(client_for, member, notification):
    response = client_for(member).post(
        url(notification),
        {
            "phase": "initial",
            "nature": "Copie de la base clients.",
            "people_categories": "Clients",
            "people_count": "300",
            "record_categories": "Coordonnées",
            "record_count": "300",
            "contact": "dpo@lefevre.example",
            "consequences": "Hameçonnage.",
            "measures_taken": "Accès coupés.",
        },
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.people_count == 300 and notification.nature == "Copie de la base clients."


def test_it_refuses_bad_input_and_changes_nothing(client_for, member, notification):
    response = client_for(member).post(
        url(notification), {"phase": "initial", "people_count": "beaucoup", "nature": "X"}
    )
    assert response.status_code == 400
    assert "nombre entier" in response.text
    notification.refresh_from_db()
    assert notification.people_count is None and notification.nature != "X"


@pytest.mark.parametrize("who", ["broker", "auditor"])
def test_only_the_company_edits(client_for, request, who, notification):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(url(notification)).status_code == 200
    assert client.post(url(notification), {"phase": "initial", "nature": "X"}).status_code == 404


def test_it_is_a_404_for_an_outsider(client_for, outsider, notification):
    assert client_for(outsider).get(url(notification)).status_code == 404
