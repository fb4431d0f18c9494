"""Reports and verifications asked from the dashboard, run by the worker with progress.

``request_task`` adds a row and sends the task once the transaction commits; the request
never waits. ``run`` claims the row with a conditional UPDATE (a second delivery of the
message, or a second worker, finds it taken), reads the portfolio as the requester may see
it now, and records the outcome.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.language import language_code
from incident_app.models import Incident, verify_chain

from .. import audit, charts
from ..models import AuditTask

logger = logging.getLogger(__name__)

TIME_LIMIT_SECONDS = 1800
REPORT_TEMPLATE = "pdf/compliance_report.html"
# How often a verification writes its progress: every this many incidents.
PROGRESS_EVERY = 200


def request_task(kind: str, *, user, organisation, filters: audit.Filters, language: str):
    from ..tasks import run_audit_task

    with transaction.atomic():
        task = AuditTask.objects.create(
            kind=kind,
            organisation=organisation,
            requested_by=user,
            filters=filters.as_dict(),
            language=language_code(language),
        )
        run_audit_task.delay_on_commit(task.pk)
    return task


def claim(pk: int, now) -> bool:
    return (
        AuditTask.objects.filter(pk=pk, status=AuditTask.Status.PENDING).update(
            status=AuditTask.Status.RUNNING, started_at=now, progress=1
        )
        == 1
    )


def _progress(pk: int, percent: int) -> None:
    AuditTask.objects.filter(pk=pk, status=AuditTask.Status.RUNNING).update(progress=percent)


def selection(task: AuditTask):
    """The filtered portfolio, as the requester may see it when the task runs."""
    filters = audit.Filters.from_dict(task.filters, zone=task.organisation.timezone)
    incidents = audit.portfolio(task.requested_by, [task.organisation_id])
    return filters, filters.apply(incidents)


def run(pk: int) -> bool:
    now = timezone.now()
    if not claim(pk, now):
        return False
    task = AuditTask.objects.select_related("organisation", "requested_by").get(pk=pk)
    try:
        with translation.override(task.language):
            if task.kind == AuditTask.Kind.REPORT:
                _report(task, now)
            else:
                _verification(task)
    except Exception as error:
        logger.exception("Audit task %s failed", pk)
        AuditTask.objects.filter(pk=pk).update(
            status=AuditTask.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return False
    return True


def report_context(task: AuditTask, now) -> dict:
    filters, incidents = selection(task)
    figures = audit.dashboard(incidents, now)
    return {
        "task": task,
        "organisation": task.organisation,
        "filters": filters,
        "figures": figures,
        "rate_chart": charts.rate_bars(figures.kinds),
        "month_chart": charts.month_columns(figures.months),
        "generated_at": now,
    }


def _report(task: AuditTask, now) -> None:
    from documents.services.dossier import write_pdf

    with timezone.override(task.organisation.zone):
        context = report_context(task, now)
        _progress(task.pk, 30)
        html = render_to_string(REPORT_TEMPLATE, context)
    _progress(task.pk, 50)
    pdf = write_pdf(html)
    _progress(task.pk, 90)
    task.file.save(task.filename, ContentFile(pdf), save=False)
    AuditTask.objects.filter(pk=task.pk, status=AuditTask.Status.RUNNING).update(
        status=AuditTask.Status.READY,
        progress=100,
        file=task.file.name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        finished_at=timezone.now(),
    )


def _verification(task: AuditTask) -> None:
    """Every journal chain of the selection, one incident at a time (each chain is read in
    one query by ``verify_chain``); intact and broken ones are listed by reference."""
    _filters, incidents = selection(task)
    references = list(incidents.order_by("reference").values_list("pk", "reference", named=False))
    total = len(references) or 1
    intact, broken = [], []
    for index, (pk, reference) in enumerate(references, start=1):
        incident = Incident(pk=pk, reference=reference)
        found = verify_chain(incident)
        if found is None:
            intact.append(reference)
        else:
            broken.append(
                {
                    "reference": reference,
                    "seq": found.seq,
                    "truncated": found.truncated,
                    "missing": found.missing,
                }
            )
        if index % PROGRESS_EVERY == 0:
            _progress(task.pk, max(1, min(99, int(100 * index / total))))
    AuditTask.objects.filter(pk=task.pk, status=AuditTask.Status.RUNNING).update(
        status=AuditTask.Status.READY,
        progress=100,
        result={"checked": len(references), "intact": intact, "broken": broken},
        finished_at=timezone.now(),
    )
