"""Printable papers other than the claim dossier, rendered by the worker: one state machine.

``request_document`` adds the next version of a paper in ``pending`` and sends the task once
the transaction commits; ``render_document`` (run by the task) claims the row with a
conditional UPDATE, builds the paper's HTML in the reader's language and the company's time
zone, writes a tagged PDF/A-3b through the fetcher that reads nothing but our static files,
stores it privately, hashes it and, for a paper about an incident, journals the hash.  Running
it twice, or at once on two workers, renders one PDF; a rendering whose worker died is claimed
again after the time limit, and given up after ``MAX_ATTEMPTS``.

What each kind of paper shows is built by its own module (``reflex_sheet``, ``notification``,
``complaint``), registered in ``BUILDERS``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incident_app.models import Incident, JournalEntry, Organisation

from ..models import DataBreachNotification, RenderedDocument

logger = logging.getLogger(__name__)

RENDER_TIME_LIMIT_SECONDS = 120
STALE_RENDERING = timedelta(seconds=RENDER_TIME_LIMIT_SECONDS + 30)
STALE_PENDING = timedelta(seconds=60)
MAX_ATTEMPTS = 3
GATHERED, HTML_RENDERED, PDF_WRITTEN = 10, 60, 90
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Target:
    """What a paper is about: a company, and for some papers one incident or notification."""

    company: Organisation
    incident: Incident | None = None
    notification: DataBreachNotification | None = None


@dataclass
class Built:
    """A paper ready to print: its template and context, and files to embed in the PDF."""

    template: str
    context: dict
    attachments: tuple[tuple[str, bytes, str], ...] = field(default_factory=tuple)


BUILDERS: dict[str, Callable[..., Built]] = {}


def builder(kind: str):
    """Register the function that builds one kind of paper: ``build(target, lang, now)``."""

    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def build(kind: str, target: Target, *, lang: str, now: datetime) -> Built:
    # The builders register themselves on import.
    from . import complaint, notification, reflex_sheet  # noqa: F401

    return BUILDERS[kind](target, lang=lang, now=now)


def static_base() -> str:
    """Where the papers' templates address our static files (served from disk by the fetcher)."""
    from .contents import STATIC_ORIGIN, static_path

    return STATIC_ORIGIN + static_path()


def render_pdf(kind: str, target: Target, *, lang: str, now: datetime | None = None) -> bytes:
    """The PDF of a paper, synchronously (the worker and the ``render_document`` command)."""
    from .contents import STATIC_ORIGIN, static_path
    from .pdf import write_pdf

    now = now or timezone.now()
    with translation.override(lang), timezone.override(target.company.zone):
        built = build(kind, target, lang=lang, now=now)
        html = render_to_string(built.template, built.context)
        return write_pdf(html, STATIC_ORIGIN, static_path(), attachments=built.attachments)


# --- asking -----------------------------------------------------------------------------------


def request_document(
    kind: str,
    target: Target,
    user,
    *,
    lang: str = "fr",
    now: datetime | None = None,
) -> tuple[RenderedDocument, bool]:
    """The rendering of this paper under way, or a new version in ``pending``.

    Returns ``(document, created)``; a double click renders one PDF.
    """
    from ..tasks import render_document as task

    now = now or timezone.now()
    lang = lang if lang in LANGUAGES else "fr"
    scope = {
        "kind": kind,
        "company": target.company,
        "incident": target.incident,
        "notification": target.notification,
    }
    with transaction.atomic():
        # One asker at a time per company, so two clicks cannot both pick the next version.
        Organisation.objects.select_for_update().filter(pk=target.company.pk).exists()
        under_way = (
            RenderedDocument.objects.filter(
                **scope,
                lang=lang,
                status__in=[RenderedDocument.Status.PENDING, RenderedDocument.Status.RENDERING],
            )
            .order_by("-version")
            .first()
        )
        if under_way is not None:
            if _looks_stuck(under_way, now):
                task.delay_on_commit(under_way.pk)
            return under_way, False
        last = RenderedDocument.objects.filter(**scope).aggregate(v=Max("version"))["v"]
        document = RenderedDocument.objects.create(
            **scope, lang=lang, version=(last or 0) + 1, requested_by=user
        )
        task.delay_on_commit(document.pk)
    return document, True


def _looks_stuck(document: RenderedDocument, now: datetime) -> bool:
    if document.status == RenderedDocument.Status.PENDING:
        return (document.started_at or document.requested_at) < now - STALE_PENDING
    return document.started_at is None or document.started_at < now - STALE_RENDERING


def looks_stuck(document: RenderedDocument, now: datetime | None = None) -> bool:
    return document.is_under_way and _looks_stuck(document, now or timezone.now())


def resume_stuck(now: datetime | None = None) -> int:
    """Send the rendering again for each paper that looks stuck (run by each sweep)."""
    from ..tasks import render_document as task

    now = now or timezone.now()
    resent = 0
    under_way = RenderedDocument.objects.filter(
        status__in=[RenderedDocument.Status.PENDING, RenderedDocument.Status.RENDERING]
    ).only("pk", "status", "requested_at", "started_at", "attempts")
    for document in under_way:
        if not _looks_stuck(document, now):
            continue
        if document.attempts >= MAX_ATTEMPTS:
            RenderedDocument.objects.filter(
                pk=document.pk, status=document.status, started_at=document.started_at
            ).update(
                status=RenderedDocument.Status.FAILED,
                error=f"The rendering did not finish after {document.attempts} attempts.",
            )
        else:
            task.delay(document.pk)
            resent += 1
    return resent


# --- rendering --------------------------------------------------------------------------------


def claim(pk: int, now: datetime) -> bool:
    """Take the paper for rendering: exactly one worker wins, a ready one is left alone."""
    claimable = Q(status=RenderedDocument.Status.PENDING) | Q(
        status=RenderedDocument.Status.RENDERING, started_at__lt=now - STALE_RENDERING
    )
    return (
        RenderedDocument.objects.filter(claimable, pk=pk).update(
            status=RenderedDocument.Status.RENDERING,
            progress=5,
            started_at=now,
            error="",
            attempts=F("attempts") + 1,
        )
        == 1
    )


def _progress(pk: int, percent: int) -> None:
    RenderedDocument.objects.filter(pk=pk, status=RenderedDocument.Status.RENDERING).update(
        progress=percent
    )


def render_document(pk: int, now: datetime | None = None) -> RenderedDocument | None:
    """Render, store, hash (and journal) one paper; None when another run has it or had it."""
    from .contents import STATIC_ORIGIN, static_path
    from .pdf import write_pdf

    now = now or timezone.now()
    if not claim(pk, now):
        return None
    document = RenderedDocument.objects.select_related(
        "company", "incident__company", "incident__policy", "notification", "requested_by"
    ).get(pk=pk)
    target = Target(document.company, document.incident, document.notification)
    with translation.override(document.lang), timezone.override(document.company.zone):
        built = build(document.kind, target, lang=document.lang, now=now)
        _progress(pk, GATHERED)
        html = render_to_string(built.template, built.context)
        _progress(pk, HTML_RENDERED)
        pdf = write_pdf(html, STATIC_ORIGIN, static_path(), attachments=built.attachments)
        _progress(pk, PDF_WRITTEN)
        digest = hashlib.sha256(pdf).hexdigest()
        # Saved before the row says "ready": a row never points at a file not yet written.
        document.file.save(document.filename, ContentFile(pdf), save=False)
        with transaction.atomic():
            finished = RenderedDocument.objects.filter(
                pk=pk, status=RenderedDocument.Status.RENDERING, started_at=now
            ).update(
                status=RenderedDocument.Status.READY,
                progress=100,
                file=document.file.name,
                sha256=digest,
                generated_at=now,
                error="",
            )
            if finished != 1:
                document.file.storage.delete(document.file.name)
                return None
            if document.incident_id:
                JournalEntry.append(
                    document.incident,
                    JournalEntry.Kind.DOCUMENT_GENERATED,
                    _("%(document)s v%(version)s générée, SHA-256 %(sha256)s.")
                    % {
                        "document": document.get_kind_display(),
                        "version": document.version,
                        "sha256": digest,
                    },
                    data={
                        "document": document.pk,
                        "kind": document.kind,
                        "version": document.version,
                        "sha256": digest,
                        "size": len(pdf),
                        "requested_by": document.requested_by.display_name,
                    },
                )
    document.refresh_from_db()
    return document


def mark_failed(pk: int, error: BaseException) -> None:
    logger.error("Document %s failed to render", pk, exc_info=error)
    RenderedDocument.objects.filter(
        pk=pk,
        status__in=[RenderedDocument.Status.PENDING, RenderedDocument.Status.RENDERING],
    ).update(status=RenderedDocument.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])


def release(pk: int, error: BaseException, now: datetime | None = None) -> None:
    """Hand a paper back to ``pending`` after a passing failure, for the task's retry."""
    logger.warning("Document %s will be retried: %s", pk, error)
    RenderedDocument.objects.filter(pk=pk, status=RenderedDocument.Status.RENDERING).update(
        status=RenderedDocument.Status.PENDING,
        progress=0,
        started_at=now or timezone.now(),
        attempts=F("attempts") - 1,
    )
