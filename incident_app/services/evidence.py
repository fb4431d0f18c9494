"""Evidence files: checked by content, hashed while they stream in, kept for good.

The chain of custody rests on three things: the SHA-256 is computed on the bytes as they
arrive (before anything else can touch them), the file is stored under a random name in the
private storage, and the journal records the hash. A file is never changed or deleted; a
mistaken upload is withdrawn with a reason and stays in the inventory.
"""

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from core import antivirus

from ..models import Evidence, Incident, JournalEntry, Organisation, journal_language

# Binary types recognised by their magic bytes (the ``filetype`` library), whatever the
# extension says. ZIP is how encrypted samples are kept: their bytes look random and their
# extensions are the attacker's, so no content check could accept them loose.
BINARY_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/zip",
}

# Text types have no magic bytes: the extension names the type, and the content must be
# text (UTF-8 or Latin-1, no NUL or other binary control bytes). Ransom notes are often HTML
# pages; downloads are attachments with nosniff, so the app never renders them. An HTA note is
# an HTML application that Windows runs when opened: it is kept as plain text.
TEXT_TYPES = {
    ".eml": "message/rfc822",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".html": "text/html",
    ".htm": "text/html",
    ".hta": "text/plain",
}

# Control bytes never found in text files; tab, line feed, form feed, carriage return and
# escape (colour codes in logs) are allowed.
_BINARY_CONTROL = frozenset(set(range(0x00, 0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B})

ALLOWED_DESCRIPTION = (
    "PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, ODT, ODS, ZIP, EML, TXT, LOG, CSV, HTML, HTM, HTA"
)


class _TextCheck:
    """Follows the bytes of an upload and says whether they are text."""

    def __init__(self):
        self.utf8 = True
        self.binary = False
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk: bytes) -> None:
        if not self.binary and not _BINARY_CONTROL.isdisjoint(chunk):
            self.binary = True
        if self.utf8:
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError:
                # Still text if it is Latin-1 (every byte decodes): only binary controls refuse it.
                self.utf8 = False

    def finish(self) -> None:
        if self.utf8:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8 = False

    @property
    def is_text(self) -> bool:
        return not self.binary


def _digest(upload):
    """SHA-256, size, and the text check of an upload, reading it once in chunks."""
    sha = hashlib.sha256()
    size = 0
    text = _TextCheck()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
        size += len(chunk)
        text.feed(chunk)
    text.finish()
    upload.seek(0)
    return sha.hexdigest(), size, text


def detect_type(upload, text: _TextCheck) -> str:
    """The content type of an upload if it is allowed, else a ValidationError."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in BINARY_TYPES:
            return kind.mime
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
            % {"types": ALLOWED_DESCRIPTION},
            code="forbidden_type",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension in TEXT_TYPES and text.is_text:
        return TEXT_TYPES[extension]
    if extension in TEXT_TYPES:
        raise ValidationError(
            _("Le fichier « %(name)s » ne contient pas du texte lisible, malgré son extension.")
            % {"name": upload.name},
            code="not_text",
        )
    raise ValidationError(
        _("Ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
        % {"types": ALLOWED_DESCRIPTION},
        code="forbidden_type",
    )


def used_bytes(incident: Incident) -> int:
    # Withdrawn files count: they are still stored.
    return Evidence.objects.filter(incident=incident).aggregate(total=Sum("size"))["total"] or 0


def company_used_bytes(company_id) -> int:
    return (
        Evidence.objects.filter(incident__company_id=company_id).aggregate(total=Sum("size"))[
            "total"
        ]
        or 0
    )


@dataclass(frozen=True)
class Inspection:
    name: str
    sha256: str
    size: int
    content_type: str


def inspect(upload) -> Inspection:
    """Check an upload against the rules and compute its fingerprint, or say what is wrong.

    Refused: empty files, files over ``EVIDENCE_MAX_FILE_BYTES``, and types outside the
    allow-list, checked by content rather than by the name the sender chose.
    """
    name = PurePath(upload.name or "preuve").name[:255]
    max_bytes = settings.EVIDENCE_MAX_FILE_BYTES
    too_big = ValidationError(
        _("« %(name)s » dépasse la taille maximale de %(max)s par fichier.")
        % {"name": name, "max": filesizeformat(max_bytes)},
        code="too_big",
    )
    # Refuse an oversize upload before reading it.
    if upload.size is not None and upload.size > max_bytes:
        raise too_big
    sha256, size, text = _digest(upload)
    if size == 0:
        raise ValidationError(_("« %(name)s » est vide.") % {"name": name}, code="empty")
    if size > max_bytes:
        raise too_big
    return Inspection(name, sha256, size, detect_type(upload, text))


def add_evidence(
    incident: Incident, upload, *, user, step=None, description="", inspection=None
) -> Evidence:
    """Keep an uploaded file as evidence of the incident, or refuse it with a clear reason.

    Besides ``inspect``'s rules, an upload that would take the incident over
    ``EVIDENCE_QUOTA_BYTES`` is refused. A caller that already inspected the upload passes
    the ``inspection`` on, and the file is not read twice.
    """
    found = inspection or inspect(upload)
    name, sha256, size, content_type = found.name, found.sha256, found.size, found.content_type
    # Scanned before any lock is taken: clamd may take seconds on a large file.
    try:
        scan = antivirus.scan(upload)
    except antivirus.Infected as infected:
        raise ValidationError(
            _("« %(name)s » contient un virus (%(signature)s) : il n'a pas été gardé.")
            % {"name": name, "signature": infected.signature},
            code="infected",
        ) from infected
    with transaction.atomic():
        # Lock the company, then the incident, so two uploads at once (to one incident or to
        # two of the company's) cannot both squeeze under a quota.
        Organisation.objects.select_for_update().filter(pk=incident.company_id).first()
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        quota = settings.EVIDENCE_QUOTA_BYTES
        if used_bytes(incident) + size > quota:
            raise ValidationError(
                _(
                    "« %(name)s » dépasserait l'espace de %(quota)s réservé aux preuves de cet "
                    "incident."
                )
                % {"name": name, "quota": filesizeformat(quota)},
                code="quota",
            )
        # Incidents can be declared without limit: the company's own quota bounds them all.
        company_quota = settings.EVIDENCE_COMPANY_QUOTA_BYTES
        if company_used_bytes(incident.company_id) + size > company_quota:
            raise ValidationError(
                _(
                    "« %(name)s » dépasserait l'espace de %(quota)s réservé aux preuves de "
                    "votre entreprise, tous incidents confondus."
                )
                % {"name": name, "quota": filesizeformat(company_quota)},
                code="company_quota",
            )
        evidence = Evidence(
            incident=incident,
            step=step,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=sha256,
            description=description.strip()[:500],
            uploaded_by=user,
            uploaded_at=timezone.now(),
            scan=scan,
        )
        # The storage picks a random name (``evidence_path``): nothing about the file leaks.
        evidence.file.save(name, upload, save=False)
        try:
            evidence.save()
            with journal_language(incident):
                text = _("Preuve ajoutée : %(name)s (%(size)s), SHA-256 %(sha)s.") % {
                    "name": name,
                    "size": filesizeformat(size),
                    "sha": sha256,
                }
            JournalEntry.append(
                incident,
                JournalEntry.Kind.EVIDENCE_ADDED,
                text,
                actor=user,
                data={
                    "evidence": evidence.pk,
                    "name": name,
                    "size": size,
                    "sha256": sha256,
                    "content_type": content_type,
                    "step": step.key if step else None,
                },
            )
        except Exception:
            evidence.file.storage.delete(evidence.file.name)
            raise
    return evidence


def discard_files(kept: list[Evidence]) -> None:
    """Delete the stored files of evidence whose rows a failed transaction takes back."""
    for item in kept:
        item.file.storage.delete(item.file.name)


@transaction.atomic
def withdraw_evidence(evidence: Evidence, *, user, reason: str, now=None) -> Evidence:
    """Mark a mistaken upload as withdrawn: it stays stored and listed, with who and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indiquez pourquoi cette preuve est retirée."), code="reason")
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.is_withdrawn:
        raise ValidationError(_("Cette preuve a déjà été retirée."), code="already_withdrawn")
    evidence.record_withdrawal(user=user, reason=reason, now=now or timezone.now())
    with journal_language(evidence.incident):
        text = _("Preuve retirée : %(name)s (SHA-256 %(sha)s). Motif : %(reason)s") % {
            "name": evidence.original_name,
            "sha": evidence.sha256,
            "reason": reason,
        }
    JournalEntry.append(
        evidence.incident,
        JournalEntry.Kind.EVIDENCE_WITHDRAWN,
        text,
        actor=user,
        data={"evidence": evidence.pk, "sha256": evidence.sha256, "reason": reason},
    )
    return evidence
