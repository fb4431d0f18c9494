"""A paper's status page: progress while rendering, the download once ready; 404 to others."""

import pytest

from documents.services import rendering
from documents.services.rendering import Target


@pytest.fixture
def sheet(company, policy, manager, papers_sent):
    document, _ = rendering.request_document("reflex_sheet", Target(company), manager)
    return document


@pytest.fixture
def complaint_pdf(incident, manager, papers_sent):
    document, _ = rendering.request_document(
        "complaint", Target(incident.company, incident), manager
    )
    return document


def test_it_shows_progress_and_polls_while_rendering(client_for, manager, sheet):
    response = client_for(manager).get(f"/documents/{sheet.pk}/")
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in response.text
    assert "<progress" in response.text


def test_it_stops_polling_once_ready(client_for, manager, sheet):
    rendering.render_document(sheet.pk)
    response = client_for(manager).get(f"/documents/{sheet.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert f"/documents/{sheet.pk}/pdf/" in response.text


def test_it_lets_the_broker_of_the_client_follow_the_reflex_sheet(client_for, broker, sheet):
    assert client_for(broker).get(f"/documents/{sheet.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["outsider", "other_broker", "auditor"])
def test_it_hides_a_company_paper_from_others(client_for, request, who, sheet):
    user = request.getfixturevalue(who)
    assert client_for(user).get(f"/documents/{sheet.pk}/").status_code == 404


def test_it_follows_the_incident_for_a_paper_about_an_incident(
    client_for, auditor, outsider, complaint_pdf
):
    assert client_for(auditor).get(f"/documents/{complaint_pdf.pk}/").status_code == 200
    assert client_for(outsider).get(f"/documents/{complaint_pdf.pk}/").status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, sheet):
    response = client.get(f"/documents/{sheet.pk}/")
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
