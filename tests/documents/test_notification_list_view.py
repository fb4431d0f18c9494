"""The notifications of an incident: the company's people start one; others may not."""

import pytest

from documents.models import DataBreachNotification


def test_it_starts_a_notification_and_opens_it(client_for, manager, incident):
    response = client_for(manager).post(f"/incidents/{incident.reference}/notification/")
    notification = DataBreachNotification.objects.get(incident=incident)
    assert response.status_code == 302
    assert (
        response["Location"] == f"/incidents/{incident.reference}/notification/{notification.pk}/"
    )


def test_it_lists_them_for_the_broker_without_a_button(client_for, manager, broker, incident):
    client_for(manager).post(f"/incidents/{incident.reference}/notification/")
    response = client_for(broker).get(f"/incidents/{incident.reference}/notification/")
    assert response.status_code == 200
    assert "Initiale" in response.text
    assert "Préparer une notification complémentaire" not in response.text


@pytest.mark.parametrize("who", ["broker", "auditor"])
def test_only_the_company_starts_one(client_for, request, who, incident):
    user = request.getfixturevalue(who)
    response = client_for(user).post(f"/incidents/{incident.reference}/notification/")
    assert response.status_code == 404
    assert not DataBreachNotification.objects.exists()


def test_it_is_a_404_for_an_outsider(client_for, outsider, incident):
    assert (
        client_for(outsider).get(f"/incidents/{incident.reference}/notification/").status_code
        == 404
    )
