"""Following a dossier's rendering: HTMX polling until ready or failed, a link without it."""

import pytest
from django.urls import reverse

from documents.models import ClaimDossier

pytestmark = pytest.mark.django_db


def url(dossier):
    return reverse("dossier_status", args=[dossier.incident.reference, dossier.pk])


@pytest.fixture
def pending(incident, manager):
    return ClaimDossier.objects.create(incident=incident, version=1, requested_by=manager)


def test_it_keeps_polling_while_the_dossier_renders(client_for, member, pending):
    ClaimDossier.objects.filter(pk=pending.pk).update(status="rendering", progress=60)
    response = client_for(member).get(url(pending), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith('<section id="dossier-status"')
    assert "<html" not in text
    assert f'hx-get="{url(pending)}"' in text and 'hx-trigger="every 2s"' in text
    assert 'value="60"' in text and "60 %" in text


def test_it_stops_polling_and_offers_the_download_when_ready(client_for, auditor, ready_dossier):
    response = client_for(auditor).get(url(ready_dossier), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    text = response.text
    assert "hx-trigger" not in text
    download = reverse(
        "dossier_download", args=[ready_dossier.incident.reference, ready_dossier.pk]
    )
    assert f'href="{download}"' in text
    assert ready_dossier.sha256 in text


def test_it_stops_polling_and_says_so_when_rendering_failed(client_for, manager, pending):
    ClaimDossier.objects.filter(pk=pending.pk).update(
        status="failed", error="ValueError: secret internals"
    )
    response = client_for(manager).get(url(pending), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert "La préparation du dossier a échoué." in response.text
    assert "Demander une nouvelle version" in response.text
    # The technical detail is for staff, not for the company.
    assert "secret internals" not in response.text


def test_it_shows_the_failure_detail_to_staff(client_for, granted_staff, pending):
    ClaimDossier.objects.filter(pk=pending.pk).update(status="failed", error="ValueError: boom")
    response = client_for(granted_staff).get(url(pending))
    assert "ValueError: boom" in response.text
    assert "Demander une nouvelle version" not in response.text


def test_it_gives_a_refresh_link_without_javascript(client_for, manager, pending):
    response = client_for(manager).get(url(pending))
    assert response.status_code == 200
    text = response.text
    assert "<html" in text
    assert f'<a class="button" href="{url(pending)}">Actualiser</a>' in text
    assert 'http-equiv="refresh"' not in text


def test_it_answers_404_for_a_dossier_of_another_incident(
    client_for, outsider, other_incident, pending
):
    response = client_for(outsider).get(
        reverse("dossier_status", args=[other_incident.reference, pending.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_broker", "other_auditor"])
def test_it_answers_404_to_others(request, client_for, pending, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(pending), HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(url(pending)).status_code == 404


def test_it_takes_away_the_being_prepared_message_once_ready(client_for, manager, ready_dossier):
    response = client_for(manager).get(url(ready_dossier), HTTP_HX_REQUEST="true")
    assert '<div id="messages" hx-swap-oob="true" hidden></div>' in response.text


def test_it_keeps_the_message_while_it_renders(client_for, manager, pending):
    response = client_for(manager).get(url(pending), HTTP_HX_REQUEST="true")
    assert 'id="messages"' not in response.text
