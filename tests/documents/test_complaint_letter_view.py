"""The complaint letter page: prefilled, edited by the company, read by its broker."""

import pytest

from documents.models import ComplaintLetter


def url(incident):
    return f"/incidents/{incident.reference}/plainte/"


def test_it_prefills_the_letter_for_the_prosecutor(client_for, manager, incident):
    response = client_for(manager).get(url(incident))
    assert response.status_code == 200
    assert "Procureur de la République" in response.text
    assert "Ce qui manque encore" in response.text
    # Nothing is written until the company saves its text.
    assert not ComplaintLetter.objects.filter(incident=incident).exists()


def test_it_saves_the_edited_text(client_for, member, incident):
    response = client_for(member).post(
        url(incident),
        {
            "addressee": "Gendarmerie de Sélestat",
            "facts": "Note de rançon sur les postes.",
            "systems": "Serveur",
            "ransom": "",
            "damage": "Deux jours d'arrêt.",
        },
    )
    assert response.status_code == 302
    letter = ComplaintLetter.objects.get(incident=incident)
    assert letter.addressee == "Gendarmerie de Sélestat" and letter.updated_by == member


def test_it_points_to_the_step_for_the_receipt(client_for, manager, incident):
    response = client_for(manager).get(url(incident))
    assert f"/incidents/{incident.reference}/etapes/complaint/" in response.text


def test_the_broker_reads_but_may_not_edit(client_for, manager, broker, incident):
    client_for(manager).get(url(incident))
    client = client_for(broker)
    assert client.get(url(incident)).status_code == 200
    assert client.post(url(incident), {"facts": "X"}).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_broker"])
def test_it_is_a_404_for_others(client_for, request, who, incident):
    assert client_for(request.getfixturevalue(who)).get(url(incident)).status_code == 404
