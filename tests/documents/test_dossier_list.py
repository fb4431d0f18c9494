"""The dossier page: its versions, and asking for a new one (company and broker only)."""

import pytest
from django.urls import reverse

from documents.models import ClaimDossier

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("dossier_list", args=[incident.reference])


@pytest.mark.parametrize("who", ["manager", "member", "broker"])
def test_it_lets_the_company_and_its_broker_ask_for_a_dossier(
    request, client_for, incident, sent, who, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(url(incident))
    dossier = ClaimDossier.objects.get(incident=incident)
    assert response.status_code == 302
    assert response.url == reverse("dossier_status", args=[incident.reference, dossier.pk])
    assert (dossier.version, dossier.status, dossier.requested_by) == (1, "pending", user)
    assert sent == [dossier.pk]


def test_it_shows_the_dossier_under_way_on_a_second_click(
    client_for, incident, manager, sent, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(incident))
        response = client.post(url(incident), follow=True)
    assert ClaimDossier.objects.filter(incident=incident).count() == 1
    assert len(sent) == 1
    assert "Un dossier est déjà en préparation : le voici." in response.text


@pytest.mark.parametrize("who", ["auditor", "granted_staff"])
def test_it_lets_readers_see_but_not_ask(request, client_for, incident, manager, sent, who):
    ClaimDossier.objects.create(incident=incident, version=1, requested_by=manager, status="ready")
    client = client_for(request.getfixturevalue(who))
    page = client.get(url(incident))
    assert page.status_code == 200
    assert "v1" in page.text
    assert "Générer" not in page.text
    assert client.post(url(incident)).status_code == 404
    assert ClaimDossier.objects.filter(incident=incident).count() == 1
    assert sent == []


def test_it_lists_versions_newest_first_with_their_hash(client_for, incident, manager):
    ready = ClaimDossier.objects.create(
        incident=incident,
        version=1,
        requested_by=manager,
        status="ready",
        sha256="a" * 64,
        file="dossiers/x.pdf",
    )
    failed = ClaimDossier.objects.create(
        incident=incident, version=2, requested_by=manager, status="failed"
    )
    text = client_for(manager).get(url(incident)).text
    assert reverse("dossier_download", args=[incident.reference, ready.pk]) in text
    assert reverse("dossier_download", args=[incident.reference, failed.pk]) not in text
    assert text.index(">v2<") < text.index(">v1<")
    assert "a" * 64 in text
    assert "Générer une nouvelle version" in text


def test_it_polls_the_dossier_under_way(client_for, incident, manager):
    dossier = ClaimDossier.objects.create(incident=incident, version=1, requested_by=manager)
    text = client_for(manager).get(url(incident)).text
    status_url = reverse("dossier_status", args=[incident.reference, dossier.pk])
    assert f'hx-get="{status_url}"' in text
    assert 'hx-trigger="every 2s"' in text
    assert "Générer" not in text


@pytest.mark.parametrize("who", ["outsider", "other_broker", "other_auditor"])
def test_it_answers_404_to_others(request, client_for, incident, sent, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(incident)).status_code == 404
    assert client.post(url(incident)).status_code == 404
    assert not ClaimDossier.objects.exists()


def test_it_asks_anonymous_visitors_to_sign_in(client, incident):
    response = client.get(url(incident))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_links_the_dossier_from_the_incident_page_and_the_portfolio(
    client_for, incident, manager, broker
):
    link = url(incident)
    assert (
        link in client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    )
    assert link in client_for(broker).get(reverse("broker_home")).text
