"""Evidence: checked by content, hashed, stored privately, never changed, withdrawn with a reason."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incident_app.models import Evidence, JournalEntry

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RANSOM_NOTE = (
    "<html><body><h1>VOS FICHIERS SONT CHIFFRÉS</h1>"
    "<p>Contactez-nous : decrypt@onion.example</p></body></html>\n"
).encode()
EML = (
    b"From: ceo@lefevre-menuiserie.example\r\nTo: compta@lefevre.example\r\n"
    b"Subject: Virement urgent\r\n\r\nMerci de faire le virement aujourd'hui.\r\n"
)


def upload(client, incident, *files, **data):
    return client.post(
        reverse("evidence_upload", args=[incident.reference]), {"files": list(files), **data}
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("capture.png", PNG, "image/png"),
        ("recepisse.pdf", PDF, "application/pdf"),
        ("suspect.eml", EML, "message/rfc822"),
        ("pare-feu.log", "connexion refusée 10.0.0.4\n".encode("latin-1"), "text/plain"),
        ("clients.csv", "nom;e-mail\nDupré;a@b.example\n".encode(), "text/csv"),
        ("README_DECRYPT.html", RANSOM_NOTE, "text/html"),
        ("LISEZMOI.HTM", RANSOM_NOTE, "text/html"),
        # An HTA note runs when opened on Windows: it is kept as plain text.
        ("#README.hta", RANSOM_NOTE, "text/plain"),
    ],
)
def test_it_keeps_allowed_files_with_their_hash(
    client_for, manager, incident, private_storage, name, content, content_type
):
    response = upload(client_for(manager), incident, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == name
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.uploaded_by == manager
    # Stored under a random name that says nothing about the file, outside static.
    assert name not in evidence.file.name
    assert evidence.file.name.startswith("evidence/")
    assert (private_storage / evidence.file.name).read_bytes() == content
    entry = incident.journal.get(kind=JournalEntry.Kind.EVIDENCE_ADDED)
    assert entry.data["sha256"] == evidence.sha256


def test_it_recognises_office_documents_by_content(client_for, manager, incident):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    upload(client_for(manager), incident, SimpleUploadedFile("devis.docx", buffer.getvalue()))
    assert Evidence.objects.get().content_type.endswith("wordprocessingml.document")


def zip_of_encrypted_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # Encrypted files: random-looking bytes under the attacker's extension.
        archive.writestr("devis-2026.xlsx.lockbit", bytes(range(256)) * 8)
        archive.writestr("compta.pdf.lockbit", bytes(reversed(range(256))) * 8)
    return buffer.getvalue()


def test_it_keeps_encrypted_files_sent_as_a_zip_archive(client_for, manager, incident):
    content = zip_of_encrypted_files()
    upload(client_for(manager), incident, SimpleUploadedFile("chiffres.zip", content))
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/zip"
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()


def test_it_shows_the_hash_on_the_incident_page(client_for, manager, incident):
    client = client_for(manager)
    upload(client, incident, SimpleUploadedFile("note.txt", b"YOUR FILES ARE ENCRYPTED"))
    page = client.get(reverse("incident_detail", args=[incident.reference])).text
    assert hashlib.sha256(b"YOUR FILES ARE ENCRYPTED").hexdigest() in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("outil.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "n'est pas accepté"),
        ("facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "n'est pas accepté"),
        ("note.txt", b"\x00\x01\x02\x03binary", "ne contient pas du texte lisible"),
        ("script.sh", b"#!/bin/sh\nrm -rf /\n", "n'est pas accepté"),
        ("chiffres.zip", b"not a zip, just text\n", "n'est pas accepté"),
        ("chiffres.zip", bytes(range(256)) * 4, "n'est pas accepté"),
        ("note.html", b"<html>\x00\x01\x02\x03\x04</html>", "ne contient pas du texte lisible"),
        ("vide.txt", b"", "est vide"),
    ],
)
def test_it_refuses_forbidden_or_disguised_files(
    client_for, manager, incident, name, content, message
):
    client = client_for(manager)
    response = upload(client, incident, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    follow = client.get(response.url).text.replace("&#x27;", "'")
    assert message in follow
    assert not Evidence.objects.exists()
    assert not incident.journal.filter(kind=JournalEntry.Kind.EVIDENCE_ADDED).exists()


def test_it_refuses_files_over_the_size_limit(client_for, manager, incident, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 10
    response = client_for(manager).post(
        reverse("evidence_upload", args=[incident.reference]),
        {"files": [SimpleUploadedFile("long.txt", b"x" * 11)]},
        HTTP_HX_REQUEST="true",
    )
    assert "dépasse la taille maximale de 10" in response.text
    assert not Evidence.objects.exists()


def test_it_refuses_files_over_the_incidents_quota(client_for, manager, incident, settings):
    settings.EVIDENCE_QUOTA_BYTES = 30
    client = client_for(manager)
    upload(client, incident, SimpleUploadedFile("a.txt", b"a" * 20))
    response = client.post(
        reverse("evidence_upload", args=[incident.reference]),
        {"files": [SimpleUploadedFile("b.txt", b"b" * 20)]},
        HTTP_HX_REQUEST="true",
    )
    assert "dépasserait l'espace" in response.text.replace("&#x27;", "'")
    assert Evidence.objects.count() == 1


def test_it_answers_htmx_with_the_evidence_section(client_for, manager, incident):
    response = client_for(manager).post(
        reverse("evidence_upload", args=[incident.reference]),
        {"files": [SimpleUploadedFile("note.txt", b"ransom")]},
        HTTP_HX_REQUEST="true",
    )
    assert response.text.lstrip().startswith('<section id="evidence"')
    assert "1 preuve ajoutée." in response.text
    assert 'hx-swap-oob="true"' in response.text  # the journal follows


def test_it_asks_for_a_file(client_for, manager, incident):
    client = client_for(manager)
    response = client.post(reverse("evidence_upload", args=[incident.reference]), {})
    assert "Choisissez au moins un fichier." in client.get(response.url).text


@pytest.mark.parametrize("who", ["broker", "auditor"])
def test_it_does_not_let_readers_upload(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    response = upload(client_for(user), incident, SimpleUploadedFile("n.txt", b"x"))
    assert response.status_code == 404
    assert not Evidence.objects.exists()
