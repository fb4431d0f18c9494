"""Asking for the complaint letter's PDF: the company and its broker."""

import pytest

from documents.models import RenderedDocument


def url(incident):
    return f"/incidents/{incident.reference}/plainte/pdf/"


@pytest.mark.parametrize("who", ["manager", "broker"])
def test_it_asks_for_the_pdf(client_for, request, who, incident, papers_sent):
    response = client_for(request.getfixturevalue(who)).post(url(incident), {"lang": "en"})
    document = RenderedDocument.objects.get(incident=incident)
    assert response.status_code == 302
    assert document.kind == "complaint" and document.lang == "en"
    assert papers_sent == [document.pk]


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_others_may_not(client_for, request, who, incident, papers_sent):
    assert client_for(request.getfixturevalue(who)).post(url(incident)).status_code == 404
    assert not papers_sent
