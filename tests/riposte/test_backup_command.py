"""`backup` then `restore`: everything comes back, byte for byte; a damaged archive is refused."""

import io
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from incident_app.models import Evidence, Incident, JournalEntry, User, verify_chain
from incident_app.services.evidence import add_evidence
from riposte import backups

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    """The whole database, every field of every record, to the microsecond."""
    from django.apps import apps
    from django.core import serializers

    left_out = {"contenttypes", "sessions", "axes"}
    records = []
    for model in apps.get_models():
        if model._meta.app_label in left_out or model._meta.label == "auth.Permission":
            continue
        records += serializers.serialize("python", model._default_manager.order_by("pk"))
    return sorted(repr(record) for record in records)


def files_of(root):
    return {
        path.relative_to(root).as_posix(): backups.sha256_of(path)
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def world(incident, manager, broker, private_storage):
    add_evidence(
        incident,
        SimpleUploadedFile("note-rancon.txt", b"Vos fichiers sont chiffres.\n" * 40),
        user=manager,
        description="La note de rançon",
    )
    add_evidence(
        incident,
        SimpleUploadedFile("journal.csv", b"heure;poste\n22:15;compta\n"),
        user=manager,
    )
    dossier = private_storage / "dossiers" / "RIP-1-v1.pdf"
    dossier.parent.mkdir(parents=True, exist_ok=True)
    dossier.write_bytes(b"%PDF-1.7 a dossier\n" * 100)
    return incident


def test_it_restores_everything_it_saved(world, tmp_path, private_storage):
    before, before_files = snapshot(), files_of(private_storage)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    manifest = backups.read_manifest(archive)
    assert set(manifest["files"]) == set(before_files)
    assert (
        manifest["database"]["objects"]["incident_app.journalentry"] == JournalEntry.objects.count()
    )

    # Everything lost: the database emptied, the private folder gone.
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(private_storage.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert not User.objects.exists()

    call_command("restore", str(archive))
    assert snapshot() == before
    assert files_of(private_storage) == before_files
    incident = Incident.objects.get(reference=world.reference)
    assert verify_chain(incident) is None
    evidence = Evidence.objects.get(original_name="note-rancon.txt")
    assert backups.sha256_of(private_storage / evidence.file.name) == evidence.sha256
    # People sign in again with their passwords.
    assert User.objects.get(email="manager@lefevre.example").check_password(
        "correct-horse-battery-staple"
    )


def test_it_refuses_an_altered_archive_and_changes_nothing(world, tmp_path, private_storage):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if b"chiffres" in data:
                data = data.replace(b"chiffres", b"CHIFFRES")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="altered: private/evidence/"):
        call_command("restore", str(altered))
    assert not User.objects.exists()


def test_it_refuses_to_restore_over_a_database_in_use(world, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(archive))
    # With --replace, what was there gives way to the archive.
    Incident.objects.filter(pk=world.pk).update(description="changé après la sauvegarde")
    call_command("restore", str(archive), "--replace")
    assert Incident.objects.get(pk=world.pk).description != "changé après la sauvegarde"
