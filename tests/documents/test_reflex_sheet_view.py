"""The reflex sheet page: the company and its broker ask for a PDF in their language."""

import pytest

from documents.models import RenderedDocument


def test_it_asks_for_a_sheet_in_the_chosen_language(
    client_for, manager, company, policy, papers_sent
):
    response = client_for(manager).post(f"/entreprises/{company.pk}/fiche-reflexe/", {"lang": "en"})
    document = RenderedDocument.objects.get(company=company)
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    assert document.kind == "reflex_sheet" and document.lang == "en"
    assert papers_sent == [document.pk]


def test_the_broker_asks_for_a_client_s_sheet(client_for, broker, company, policy, papers_sent):
    response = client_for(broker).post(f"/entreprises/{company.pk}/fiche-reflexe/")
    assert response.status_code == 302
    assert RenderedDocument.objects.filter(company=company, requested_by=broker).exists()


def test_it_lists_the_versions(client_for, member, company, policy, manager, papers_sent):
    client_for(manager).post(f"/entreprises/{company.pk}/fiche-reflexe/")
    response = client_for(member).get(f"/entreprises/{company.pk}/fiche-reflexe/")
    assert response.status_code == 200
    assert "v1" in response.text


@pytest.mark.parametrize("who", ["outsider", "other_broker", "auditor"])
def test_it_is_a_404_for_others(client_for, request, who, company, policy, papers_sent):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(f"/entreprises/{company.pk}/fiche-reflexe/").status_code == 404
    assert client.post(f"/entreprises/{company.pk}/fiche-reflexe/").status_code == 404
    assert not RenderedDocument.objects.exists()
