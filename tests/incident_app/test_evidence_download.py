"""Downloading evidence: only through the visibility rule, always as an attachment."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incident_app.services.evidence import add_evidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
        incident,
        SimpleUploadedFile("<script>note.html.txt", b"<script>alert(1)</script>"),
        user=manager,
    )


def url(incident, evidence):
    return reverse("evidence_download", args=[incident.reference, evidence.pk])


@pytest.mark.parametrize("who", ["manager", "member", "broker", "auditor"])
def test_it_streams_the_file_as_an_attachment(request, client_for, incident, evidence, who):
    response = client_for(request.getfixturevalue(who)).get(url(incident, evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["outsider", "other_broker", "other_auditor"])
def test_it_answers_404_to_others(request, client_for, incident, evidence, who):
    response = client_for(request.getfixturevalue(who)).get(url(incident, evidence))
    assert response.status_code == 404


def test_it_answers_404_for_evidence_of_another_incident(
    client_for, outsider, incident, other_incident, evidence
):
    response = client_for(outsider).get(
        reverse("evidence_download", args=[other_incident.reference, evidence.pk])
    )
    assert response.status_code == 404


def test_it_asks_anonymous_visitors_to_sign_in(client, incident, evidence):
    response = client.get(url(incident, evidence))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_never_serves_a_ransom_note_as_a_page(client_for, manager, incident, evidence):
    note = add_evidence(
        incident,
        SimpleUploadedFile("README_DECRYPT.html", b"<html><script>alert(1)</script></html>"),
        user=manager,
    )
    response = client_for(manager).get(url(incident, note))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="README_DECRYPT.html"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_downloads_an_hta_note_under_a_name_windows_will_not_run(
    client_for, manager, incident, evidence
):
    note = add_evidence(
        incident, SimpleUploadedFile("#README.hta", b"<hta:application/>"), user=manager
    )
    response = client_for(manager).get(url(incident, note))
    assert response["Content-Type"] == "text/plain"
    assert 'filename="#README.hta.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Main.class", b"\xca\xfe\xba\xbe")
    return buffer.getvalue()


def test_it_downloads_a_zip_named_as_a_program_under_a_zip_name(
    client_for, manager, incident, evidence
):
    archive = add_evidence(incident, SimpleUploadedFile("facture.jar", zip_bytes()), user=manager)
    assert archive.content_type == "application/zip"
    response = client_for(manager).get(url(incident, archive))
    assert response["Content-Type"] == "application/zip"
    assert 'filename="facture.jar.zip"' in response["Content-Disposition"]


def test_it_keeps_a_name_whose_extension_matches_the_content(
    client_for, manager, incident, evidence
):
    receipt = add_evidence(incident, SimpleUploadedFile("recu.PDF", PDF), user=manager)
    response = client_for(manager).get(url(incident, receipt))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="recu.PDF"' in response["Content-Disposition"]


def test_it_downloads_a_pdf_named_as_a_program_under_a_pdf_name(
    client_for, manager, incident, evidence
):
    receipt = add_evidence(incident, SimpleUploadedFile("recu.exe", PDF), user=manager)
    response = client_for(manager).get(url(incident, receipt))
    assert 'filename="recu.exe.pdf"' in response["Content-Disposition"]


def test_it_knows_a_download_extension_for_every_accepted_type():
    from incident_app.models.evidence import DOWNLOAD_EXTENSIONS
    from incident_app.services.evidence import BINARY_TYPES, TEXT_TYPES

    assert set(BINARY_TYPES) | set(TEXT_TYPES.values()) <= set(DOWNLOAD_EXTENSIONS)
