"""The claim dossier: asked by the company or its broker, rendered as a PDF by a worker.

``request_dossier`` adds the next version in ``pending`` and sends the rendering task once
the transaction commits; the request never waits for the PDF.  ``render_dossier`` (run by the
task) claims the row with a conditional UPDATE, gathers the incident, renders the HTML in the
company's language and time zone, writes the PDF with WeasyPrint through a URL fetcher that
reads nothing but the application's own static files, stores it privately, hashes it and
journals the hash.  Running it twice, or at once on two workers, renders one PDF.

What the PDF shows is gathered by ``documents.services.contents``; this module is the
rendering's state machine: ``request_dossier``, ``claim``, ``render_dossier``, ``release``,
``mark_failed``, ``resume_stuck``.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.language import language_code
from incident_app.models import Incident, JournalEntry

from .. import signals
from ..models import ClaimDossier
from . import inventory
from .contents import STATIC_ORIGIN, dossier_context, static_path

logger = logging.getLogger(__name__)

TEMPLATE = "pdf/claim_dossier.html"
STYLESHEET = "css/dossier.css"

# The task's hard time limit (``incident_app.tasks.render_claim_dossier``).  A rendering
# claimed longer ago than this belongs to a worker that died: it may be claimed again.
RENDER_TIME_LIMIT_SECONDS = 180
STALE_RENDERING = timedelta(seconds=RENDER_TIME_LIMIT_SECONDS + 30)
# A dossier still pending after this long has probably lost its message (the broker is
# best-effort): the sweep, or asking again, sends the task again rather than starting a new
# version.  Measured from when it was asked for, or from when a worker handed it back for a
# retry: longer than the task's longest retry delay, so the sweep does not cut it short.
STALE_PENDING = timedelta(seconds=60)
# A rendering that never finishes (its worker killed each time, by the time limit or for
# lack of memory) is given up after this many abandoned claims instead of being sent again
# for ever.  A claim handed back by ``release`` does not count: the task's own
# ``max_retries`` bounds those.
MAX_ATTEMPTS = 3

# Progress shown while rendering, in percent.
GATHERED, HTML_RENDERED, PDF_WRITTEN = 10, 60, 90

# --- asking -----------------------------------------------------------------------------------


def request_dossier(incident: Incident, user, now: datetime | None = None):
    """The dossier under way for this incident, or a new version in ``pending``.

    Returns ``(dossier, created)``.  Asking while a dossier is pending or rendering returns
    that one (a double click renders one PDF); when it looks stuck (its message lost, its
    worker dead) the task is sent again for it, which its claim makes safe.
    """
    from ..tasks import render_claim_dossier

    now = now or timezone.now()
    with transaction.atomic():
        # One asker at a time per incident, so two clicks cannot both pick the next version.
        Incident.objects.select_for_update().filter(pk=incident.pk).exists()
        under_way = (
            ClaimDossier.objects.filter(
                incident=incident,
                status__in=[ClaimDossier.Status.PENDING, ClaimDossier.Status.RENDERING],
            )
            .order_by("-version")
            .first()
        )
        if under_way is not None:
            if _looks_stuck(under_way, now):
                render_claim_dossier.delay_on_commit(under_way.pk)
            return under_way, False
        last = ClaimDossier.objects.filter(incident=incident).aggregate(v=Max("version"))["v"]
        dossier = ClaimDossier.objects.create(
            incident=incident, version=(last or 0) + 1, requested_by=user
        )
        render_claim_dossier.delay_on_commit(dossier.pk)
    return dossier, True


def _looks_stuck(dossier: ClaimDossier, now: datetime) -> bool:
    if dossier.status == ClaimDossier.Status.PENDING:
        # A pending dossier with ``started_at`` was handed back for a retry at that time:
        # its retry is due after the task's delay, not since it was asked for.
        waiting_since = dossier.started_at or dossier.requested_at
        return waiting_since < now - STALE_PENDING
    return dossier.started_at is None or dossier.started_at < now - STALE_RENDERING


def looks_stuck(dossier: ClaimDossier, now: datetime | None = None) -> bool:
    """Whether a dossier under way has waited longer than a rendering can take."""
    return dossier.is_under_way and _looks_stuck(dossier, now or timezone.now())


def resume_stuck(now: datetime | None = None) -> int:
    """Send the rendering again for each dossier that looks stuck; give up on those whose
    claims were abandoned ``MAX_ATTEMPTS`` times. Returns how many were sent again.

    Run by each sweep, so that a lost message or a dead worker does not wait for someone to
    ask again. Sending twice is safe: only one run can claim the dossier.
    """
    from ..tasks import render_claim_dossier

    now = now or timezone.now()
    under_way = ClaimDossier.objects.filter(
        status__in=[ClaimDossier.Status.PENDING, ClaimDossier.Status.RENDERING]
    ).only("pk", "status", "requested_at", "started_at", "attempts")
    resent = 0
    for dossier in under_way:
        if not _looks_stuck(dossier, now):
            continue
        if dossier.attempts >= MAX_ATTEMPTS:
            _give_up(dossier)
        else:
            render_claim_dossier.delay(dossier.pk)
            resent += 1
    return resent


def _give_up(dossier: ClaimDossier) -> None:
    logger.error("Claim dossier %s given up after %s attempts", dossier.pk, dossier.attempts)
    # Only if nobody claimed it since it was read.
    ClaimDossier.objects.filter(
        pk=dossier.pk, status=dossier.status, started_at=dossier.started_at
    ).update(
        status=ClaimDossier.Status.FAILED,
        error=f"The rendering did not finish after {dossier.attempts} attempts.",
    )


# --- rendering --------------------------------------------------------------------------------


def claim(pk: int, now: datetime | None = None) -> bool:
    """Take the dossier for rendering: exactly one worker wins, a ready dossier is left alone.

    Each claim counts as an attempt until ``release`` hands it back: what is left counts the
    claims whose worker died.
    """
    now = now or timezone.now()
    claimable = Q(status=ClaimDossier.Status.PENDING) | Q(
        status=ClaimDossier.Status.RENDERING, started_at__lt=now - STALE_RENDERING
    )
    return (
        ClaimDossier.objects.filter(claimable, pk=pk).update(
            status=ClaimDossier.Status.RENDERING,
            progress=5,
            started_at=now,
            error="",
            attempts=F("attempts") + 1,
        )
        == 1
    )


def _progress(pk: int, percent: int) -> None:
    ClaimDossier.objects.filter(pk=pk, status=ClaimDossier.Status.RENDERING).update(
        progress=percent
    )


def render_dossier(pk: int, now: datetime | None = None) -> ClaimDossier | None:
    """Render, store, hash and journal one dossier; None when another run has it or had it."""
    now = now or timezone.now()
    if not claim(pk, now):
        return None
    dossier = ClaimDossier.objects.select_related(
        "incident__company", "incident__policy", "requested_by"
    ).get(pk=pk)
    incident = dossier.incident
    lang = language_code(incident.company.language)
    with translation.override(lang), timezone.override(incident.company.zone):
        context = dossier_context(dossier, now=now, lang=lang)
        _progress(pk, GATHERED)
        html = render_to_string(TEMPLATE, context)
        _progress(pk, HTML_RENDERED)
        # The evidence inventory rides along as CSV, for checking hashes without retyping.
        pdf = write_pdf(html, attachments=(inventory.attachment(incident),))
        _progress(pk, PDF_WRITTEN)
        digest = hashlib.sha256(pdf).hexdigest()
        # Saved before the row says "ready": a row never points at a file not yet written.
        dossier.file.save(dossier.filename, ContentFile(pdf), save=False)
        with transaction.atomic():
            finished = ClaimDossier.objects.filter(
                pk=pk, status=ClaimDossier.Status.RENDERING, started_at=now
            ).update(
                status=ClaimDossier.Status.READY,
                progress=100,
                file=dossier.file.name,
                sha256=digest,
                generated_at=now,
                error="",
            )
            if finished != 1:
                # A stale claim was taken over by another worker meanwhile: its file stands.
                dossier.file.storage.delete(dossier.file.name)
                return None
            JournalEntry.append(
                incident,
                JournalEntry.Kind.DOSSIER_GENERATED,
                _("Dossier de sinistre v%(version)s généré, SHA-256 %(sha256)s.")
                % {"version": dossier.version, "sha256": digest},
                data={
                    "dossier": dossier.pk,
                    "version": dossier.version,
                    "sha256": digest,
                    "size": len(pdf),
                    "requested_by": dossier.requested_by.display_name,
                },
            )
            dossier.status, dossier.sha256, dossier.generated_at = (
                ClaimDossier.Status.READY,
                digest,
                now,
            )
            signals.dossier_ready.send(
                sender=ClaimDossier, dossier=dossier, incident=incident, now=now
            )
    dossier.refresh_from_db()
    return dossier


def mark_failed(pk: int, error: BaseException) -> None:
    """Record why the rendering failed; the people who asked see it and may ask again."""
    logger.error("Claim dossier %s failed to render", pk, exc_info=error)
    ClaimDossier.objects.filter(
        pk=pk, status__in=[ClaimDossier.Status.PENDING, ClaimDossier.Status.RENDERING]
    ).update(status=ClaimDossier.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])


def release(pk: int, error: BaseException, now: datetime | None = None) -> None:
    """Hand a dossier back to ``pending`` after a passing failure, for the task's retry.

    ``started_at`` becomes the time it was handed back, so that the sweep waits out the
    retry's delay before thinking its message lost.  The claim no longer counts against
    ``MAX_ATTEMPTS``: it ended in order, and the task's ``max_retries`` bounds the retries;
    only claims abandoned by a dead worker make the sweep give up.
    """
    logger.warning("Claim dossier %s will be retried: %s", pk, error)
    now = now or timezone.now()
    # Only a claimed dossier is rendering, so ``attempts`` is at least one here.
    ClaimDossier.objects.filter(pk=pk, status=ClaimDossier.Status.RENDERING).update(
        status=ClaimDossier.Status.PENDING,
        progress=0,
        started_at=now,
        attempts=F("attempts") - 1,
    )


def write_pdf(html: str, attachments: tuple = ()) -> bytes:
    # WeasyPrint takes a second to import: only the worker that renders pays for it.
    from .pdf import write_pdf as weasyprint_pdf

    return weasyprint_pdf(html, STATIC_ORIGIN, static_path(), attachments=attachments)
