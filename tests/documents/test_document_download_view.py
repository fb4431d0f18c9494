"""Downloading a paper: the PDF as a private attachment, only once ready, only to who may see it."""

import pytest

from documents.services import rendering
from documents.services.rendering import Target


@pytest.fixture
def ready_sheet(company, policy, manager, papers_sent):
    document, _ = rendering.request_document("reflex_sheet", Target(company), manager)
    return rendering.render_document(document.pk)


def test_it_serves_the_pdf_as_a_private_attachment(client_for, member, ready_sheet):
    response = client_for(member).get(f"/documents/{ready_sheet.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_broker_downloads_the_reflex_sheet_of_its_client(client_for, broker, ready_sheet):
    assert client_for(broker).get(f"/documents/{ready_sheet.pk}/pdf/").status_code == 200


@pytest.mark.parametrize("who", ["outsider", "other_broker", "auditor"])
def test_it_is_a_404_for_others(client_for, request, who, ready_sheet):
    user = request.getfixturevalue(who)
    assert client_for(user).get(f"/documents/{ready_sheet.pk}/pdf/").status_code == 404


def test_it_is_a_404_before_the_pdf_is_ready(client_for, company, policy, manager, papers_sent):
    document, _ = rendering.request_document("reflex_sheet", Target(company), manager)
    assert client_for(manager).get(f"/documents/{document.pk}/pdf/").status_code == 404
