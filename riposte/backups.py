"""Backups: the database and the private files (evidence, dossiers) in one archive, with a
manifest of SHA-256 hashes that a restore checks before it changes anything.

The database is written by Django's serializers (``dumpdata``), so an archive made on
SQLite restores on PostgreSQL and the other way round, and needs no database client tools.
In XML: Django's JSON rounds times to the millisecond, and the journal's hashes cover
them to the microsecond; a restored chain would no longer verify.
Left out, as they are rebuilt or short-lived: content types and permissions (made again by
``migrate``), sessions (everyone signs in again) and failed sign-in counters.
"""

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
DATABASE_FILE = "database.xml"
MANIFEST_FILE = "manifest.json"
FILES_DIR = "private"
LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "axes"]
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive cannot be restored: damaged, incomplete, or of another kind."""


def private_root() -> Path:
    return Path(storages["default"].location)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


@dataclass(frozen=True)
class Summary:
    path: Path
    files: int
    objects: int


def backup(destination: Path) -> Summary:
    """Write ``destination`` (a .tar.gz): the database, the private files, the manifest."""
    destination = Path(destination)
    with tempfile.TemporaryDirectory(prefix="riposte-backup-") as work:
        database = Path(work) / DATABASE_FILE
        # One transaction: the dump is a consistent picture even while people work.
        with transaction.atomic():
            call_command(
                "dumpdata",
                *[f"--exclude={label}" for label in LEFT_OUT],
                natural_foreign=True,
                format="xml",
                output=str(database),
                verbosity=0,
            )
            migrations = _latest_migrations()
        objects = _count_objects(database)
        root = private_root()
        files = {}
        if root.exists():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = path.relative_to(root).as_posix()
                files[name] = {"sha256": sha256_of(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {
                "vendor": connection.vendor,
                "sha256": sha256_of(database),
                "size": database.stat().st_size,
                "objects": objects,
                "migrations": migrations,
            },
            "files": files,
        }
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST_FILE, json.dumps(manifest, indent=2).encode())
            archive.add(database, arcname=DATABASE_FILE)
            for name in files:
                archive.add(root / name, arcname=f"{FILES_DIR}/{name}")
        # Only a complete archive takes the name: a backup cut short is never mistaken for one.
        partial.replace(destination)
    return Summary(path=destination, files=len(files), objects=sum(objects.values()))


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _count_objects(database: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    # Our own file, just written: no foreign XML is parsed here.
    for _event, element in ElementTree.iterparse(database):  # noqa: S314
        if element.tag == "object":
            model = element.get("model")
            counts[model] = counts.get(model, 0) + 1
            element.clear()
    return dict(sorted(counts.items()))


def read_manifest(source: Path) -> dict:
    with tarfile.open(source, "r:gz") as archive:
        member = archive.extractfile(MANIFEST_FILE)
        if member is None:
            raise BackupError(f"{source}: no manifest.")
        manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}.")
    return manifest


def unpack_and_check(source: Path, into: Path) -> dict:
    """Unpack the archive into ``into`` and check every hash of the manifest."""
    manifest = read_manifest(source)
    expected = {DATABASE_FILE: manifest["database"]} | {
        f"{FILES_DIR}/{name}": entry for name, entry in manifest["files"].items()
    }
    with tarfile.open(source, "r:gz") as archive:
        # "data": no absolute paths, no links out, no devices (tarfile's safe filter).
        archive.extractall(into, filter="data")
    problems = []
    for name, entry in expected.items():
        path = into / name
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"altered: {name}")
    unexpected = (
        {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()}
        - set(expected)
        - {MANIFEST_FILE}
    )
    problems += [f"not in the manifest: {name}" for name in sorted(unexpected)]
    if problems:
        raise BackupError("The archive does not match its manifest: " + "; ".join(problems))
    return manifest


def database_is_empty() -> bool:
    from incident_app.models import Organisation, User

    return not User.objects.exists() and not Organisation.objects.exists()


def restore(source: Path, *, replace: bool = False) -> Summary:
    """Restore an archive made by ``backup``: checked first, then the database, then files.

    The database must be empty (migrated, nothing in it) unless ``replace``, which flushes
    it first. Nothing is changed when the archive fails its checks.
    """
    with tempfile.TemporaryDirectory(prefix="riposte-restore-") as work:
        unpacked = Path(work)
        manifest = unpack_and_check(Path(source), unpacked)
        call_command("migrate", verbosity=0, interactive=False)
        if not database_is_empty():
            if not replace:
                raise BackupError(
                    "The database is not empty: restore into a new database, or pass "
                    "--replace to delete what it holds first."
                )
            call_command("flush", verbosity=0, interactive=False)
        with transaction.atomic():
            call_command("loaddata", str(unpacked / DATABASE_FILE), verbosity=0)
        root = private_root()
        if replace and root.exists():
            shutil.rmtree(root)
        for name in manifest["files"]:
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(unpacked / FILES_DIR / name, target)
    return Summary(
        path=Path(source),
        files=len(manifest["files"]),
        objects=sum(manifest["database"]["objects"].values()),
    )
