"""The broker's page of one claim: checklist, requests, notes, the state form."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("broker_incident", args=[incident.reference])


def test_it_shows_the_broker_the_checklist_and_its_score(client_for, broker, incident):
    response = client_for(broker).get(url(incident))
    assert response.status_code == 200
    checklist = response.context["checklist"]
    assert f"Complétude du dossier : {checklist.score} %" in response.text
    assert "Récépissé de plainte" in response.text
    assert "?item=complaint_receipt#request-form" in response.text
    assert reverse("request_create", args=[incident.reference]) in response.text


def test_it_prefills_the_request_form_from_a_checklist_link(client_for, broker, incident):
    response = client_for(broker).get(url(incident), {"item": "complaint_receipt"})
    assert response.context["request_form"]["item"].value() == "complaint_receipt"


@pytest.mark.parametrize(
    "who", ["manager", "member", "auditor", "other_broker", "outsider", "expert", "staff"]
)
def test_it_is_not_found_for_anyone_else(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(url(incident)).status_code == 404


def test_it_is_not_found_for_an_unknown_reference(client_for, broker, incident):
    assert (
        client_for(broker).get(reverse("broker_incident", args=["RIP-0000-99999"])).status_code
        == 404
    )


def test_it_shows_the_company_what_its_broker_still_needs(client_for, manager, incident):
    text = client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    assert "Ce dont votre courtier a encore besoin" in text
    assert "Récépissé de plainte" in text
    assert reverse("step_detail", args=[incident.reference, "complaint"]) in text
