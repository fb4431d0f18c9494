"""A client's readiness for its broker: read-only, and only for the broker's own clients."""

import pytest


def test_the_broker_sees_its_client_s_readiness(client_for, broker, company, policy):
    response = client_for(broker).get(f"/clients/{company.pk}/preparation/")
    assert response.status_code == 200
    assert "Êtes-vous prêt ?" in response.text
    assert "Manque" in response.text
    assert f"/entreprises/{company.pk}/fiche-reflexe/" in response.text
    assert 'action="/preparation/' not in response.text


@pytest.mark.parametrize("who", ["other_broker", "auditor", "outsider"])
def test_it_is_a_404_for_others(client_for, request, who, company, policy):
    assert (
        client_for(request.getfixturevalue(who))
        .get(f"/clients/{company.pk}/preparation/")
        .status_code
        == 404
    )


def test_staff_may_look(client_for, staff, company):
    assert client_for(staff).get(f"/clients/{company.pk}/preparation/").status_code == 200
