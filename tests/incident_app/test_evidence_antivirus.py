"""The antivirus hook: clamd scans each upload when configured; "not scanned" otherwise."""

import socket
import struct
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incident_app.models import Evidence

pytestmark = pytest.mark.django_db

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    """A clamd speaking INSTREAM on a Unix socket: infected when the EICAR string is in it."""

    def __init__(self, path):
        self.path = str(path)
        self.received = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as stream:
                command = stream.readline()
                data = b""
                while True:
                    (size,) = struct.unpack("!L", stream.read(4))
                    if not size:
                        break
                    data += stream.read(size)
                self.received.append((command, data))
                answer = (
                    b"stream: Eicar-Test-Signature FOUND\n" if EICAR in data else b"stream: OK\n"
                )
                connection.sendall(answer)

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    fake = FakeClamd(tmp_path / "clamd.sock")
    settings.RIPOSTE_CLAMD_URL = f"unix://{fake.path}"
    yield fake
    fake.close()


def upload(client, incident, name, content):
    return client.post(
        reverse("evidence_upload", args=[incident.reference]),
        {"files": SimpleUploadedFile(name, content)},
        HTTP_HX_REQUEST="true",
    )


def test_it_keeps_a_clean_file_marked_as_scanned(clamd, client_for, manager, incident):
    response = upload(client_for(manager), incident, "journal.txt", b"connexions suspectes")
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.scan == "clean"
    assert clamd.received == [(b"nINSTREAM\n", b"connexions suspectes")]
    assert "Analysé par l’antivirus : sain" in response.text


def test_it_refuses_an_infected_file_and_keeps_nothing(
    clamd, client_for, manager, incident, private_storage
):
    response = upload(client_for(manager), incident, "facture.txt", b"hello " + EICAR)
    assert "contient un virus (Eicar-Test-Signature)" in response.text
    assert not Evidence.objects.exists()
    assert not incident.journal.filter(kind="evidence_added").exists()
    assert not any(path.is_file() for path in private_storage.rglob("*"))


def test_it_marks_files_not_scanned_without_an_antivirus(client_for, manager, incident):
    response = upload(client_for(manager), incident, "journal.txt", b"connexions suspectes")
    assert Evidence.objects.get().scan == "not_scanned"
    assert "Non analysé par un antivirus" in response.text


def test_it_keeps_the_file_unscanned_when_clamd_is_down(
    settings, tmp_path, client_for, manager, incident
):
    settings.RIPOSTE_CLAMD_URL = f"unix://{tmp_path / 'absent.sock'}"
    upload(client_for(manager), incident, "journal.txt", b"connexions suspectes")
    assert Evidence.objects.get().scan == "not_scanned"
