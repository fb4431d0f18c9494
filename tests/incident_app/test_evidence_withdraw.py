"""A mistaken upload is withdrawn with a reason; it stays stored and listed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incident_app.models import Evidence, JournalEntry
from incident_app.services.evidence import add_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(settings, tmp_path, incident, manager):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return add_evidence(
        incident, SimpleUploadedFile("perso.txt", b"liste de courses"), user=manager
    )


def url(incident, evidence):
    return reverse("evidence_withdraw", args=[incident.reference, evidence.pk])


def test_it_withdraws_with_a_reason_and_keeps_the_file(client_for, manager, incident, evidence):
    client = client_for(manager)
    response = client.post(
        url(incident, evidence), {"reason": "Fichier personnel déposé par erreur"}
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.is_withdrawn
    assert evidence.withdrawn_by == manager
    assert evidence.withdrawn_reason == "Fichier personnel déposé par erreur"
    assert evidence.file.storage.exists(evidence.file.name)
    entry = incident.journal.get(kind=JournalEntry.Kind.EVIDENCE_WITHDRAWN)
    assert entry.data["sha256"] == evidence.sha256
    page = client.get(reverse("incident_detail", args=[incident.reference])).text
    assert "perso.txt" in page
    assert "Fichier personnel déposé par erreur" in page
    # Still downloadable: the inventory keeps it.
    assert (
        client.get(reverse("evidence_download", args=[incident.reference, evidence.pk])).status_code
        == 200
    )


def test_it_requires_a_reason(client_for, manager, incident, evidence):
    client = client_for(manager)
    response = client.post(url(incident, evidence), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert "Indiquez pourquoi cette preuve est retirée." in response.text
    evidence.refresh_from_db()
    assert not evidence.is_withdrawn


def test_it_refuses_to_withdraw_twice(client_for, manager, incident, evidence):
    client = client_for(manager)
    client.post(url(incident, evidence), {"reason": "erreur"})
    response = client.post(url(incident, evidence), {"reason": "encore"}, HTTP_HX_REQUEST="true")
    assert "déjà été retirée" in response.text
    evidence.refresh_from_db()
    assert evidence.withdrawn_reason == "erreur"
    assert incident.journal.filter(kind=JournalEntry.Kind.EVIDENCE_WITHDRAWN).count() == 1


def test_it_is_closed_to_the_auditor_and_the_broker(
    client_for, auditor, broker, incident, evidence
):
    for user in (auditor, broker):
        assert client_for(user).post(url(incident, evidence), {"reason": "x"}).status_code == 404
    assert not Evidence.objects.get().is_withdrawn


def test_it_offers_no_way_to_edit_or_delete_evidence(client_for, manager, incident, evidence):
    page = client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    assert "Supprimer" not in page
    assert "Modifier" not in page
