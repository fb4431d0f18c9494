"""Downloading the dossier's PDF: through the visibility rule, as an attachment, once ready."""

import pytest
from django.urls import reverse

from documents.models import ClaimDossier

from .dossier_fixtures import pdf_bytes

pytestmark = pytest.mark.django_db


def url(dossier):
    return reverse("dossier_download", args=[dossier.incident.reference, dossier.pk])


@pytest.mark.parametrize("who", ["manager", "member", "broker", "auditor", "granted_staff"])
def test_it_sends_the_pdf_as_an_attachment(request, client_for, ready_dossier, who):
    response = client_for(request.getfixturevalue(who)).get(url(ready_dossier))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes(ready_dossier)
    assert response["Content-Type"] == "application/pdf"
    reference = ready_dossier.incident.reference
    assert response["Content-Disposition"] == f'attachment; filename="{reference}-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("status", ["pending", "rendering", "failed"])
def test_it_answers_404_until_ready(client_for, manager, incident, status):
    dossier = ClaimDossier.objects.create(
        incident=incident, version=1, requested_by=manager, status=status
    )
    assert client_for(manager).get(url(dossier)).status_code == 404


def test_it_answers_404_when_the_file_is_gone(client_for, manager, ready_dossier):
    ready_dossier.file.storage.delete(ready_dossier.file.name)
    assert client_for(manager).get(url(ready_dossier)).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_broker", "other_auditor"])
def test_it_answers_404_to_others(request, client_for, ready_dossier, who):
    assert client_for(request.getfixturevalue(who)).get(url(ready_dossier)).status_code == 404


def test_it_answers_404_through_another_incident(
    client_for, outsider, other_incident, ready_dossier
):
    response = client_for(outsider).get(
        reverse("dossier_download", args=[other_incident.reference, ready_dossier.pk])
    )
    assert response.status_code == 404
