"""The insurer's pages: the compliance dashboard, the incidents behind each figure, the CSV
export, the report and the verification of the journals.

Only an insurer's auditors reach them; anyone else gets a 404. Every list starts from
``audit.portfolio`` (the one visibility rule, narrowed to the insurers the user audits for).
"""

import csv
import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from core.downloads import private_attachment
from core.language import reader_language
from incident_app.models import Organisation

from . import audit, charts
from .forms import DrillForm, FilterForm
from .models import AuditTask
from .services import tasks as task_service

PAGE_SIZE = 50


def _auditor(request) -> list[int]:
    ids = audit.auditor_organisations(request.user)
    if not ids:
        raise Http404
    return ids


def _filters(request, insurer_ids):
    """The form and the filters it gives; invalid filters give none and show why."""
    organisation = Organisation.objects.get(pk=insurer_ids[0])
    form = FilterForm(request.GET or None, insurer_ids=insurer_ids)
    if not request.GET:
        return form, audit.Filters(zone=organisation.timezone), organisation
    if form.is_valid():
        return form, form.filters(organisation.timezone), organisation
    return form, None, organisation


def _scoped(request, insurer_ids, filters):
    incidents = audit.portfolio(request.user, insurer_ids)
    if filters is None:
        return incidents.none()
    return filters.apply(incidents)


@require_GET
@login_required
def insurer_home(request):
    insurer_ids = _auditor(request)
    form, filters, organisation = _filters(request, insurer_ids)
    now = timezone.now()
    figures = audit.dashboard(_scoped(request, insurer_ids, filters), now)
    query = filters.as_dict() if filters else {}
    return render(
        request,
        "insurer/home.html",
        {
            "form": form,
            "figures": figures,
            "query": urlencode(query),
            "rate_chart": charts.rate_bars(figures.kinds),
            "month_chart": charts.month_columns(figures.months),
            "tasks": AuditTask.objects.filter(
                organisation_id__in=insurer_ids, requested_by=request.user
            )[:5],
            "valid": filters is not None,
        },
    )


@require_GET
@login_required
def insurer_incidents(request):
    """The incidents behind one figure, paginated; a page past the end shows the last one."""
    insurer_ids = _auditor(request)
    form, filters, _organisation = _filters(request, insurer_ids)
    drill = DrillForm(request.GET)
    incidents = _scoped(request, insurer_ids, filters)
    if drill.is_valid():
        incidents = audit.incidents_behind(
            incidents,
            timezone.now(),
            step=drill.cleaned_data["step"] or None,
            verdict=drill.cleaned_data["verdict"] or None,
            month=drill.cleaned_data["month"],
        )
    else:
        incidents = incidents.none()
    order = (drill.is_valid() and drill.cleaned_data["sort"]) or "-discovered_at"
    incidents = incidents.with_progress().order_by(order, "pk")
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "insurer/incidents.html",
        {
            "form": form,
            "drill": drill,
            "page": page,
            "incidents": page.object_list,
            "query": params.urlencode(),
            "valid": filters is not None and drill.is_valid(),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _headers(language: str) -> list[str]:
    with translation.override(language):
        headers = [
            _("Référence"),
            _("Entreprise"),
            _("Pays"),
            _("Contrat"),
            _("Courtier"),
            _("Nature"),
            _("Découvert le (UTC)"),
            _("Statut"),
        ]
        for key in audit.AUDITED_STEPS:
            label = str(audit.STEP_TITLES[key])
            headers += [
                _("%(step)s : échéance (UTC)") % {"step": label},
                _("%(step)s : fait le (UTC)") % {"step": label},
                _("%(step)s : verdict") % {"step": label},
            ]
    return headers


def csv_lines(incidents, language: str, bom: bool, now):
    """The export, line by line: rows come from the database as text, in chunks (a
    server-side cursor on PostgreSQL), so memory stays flat whatever the number of rows."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    yield writer.writerow(_headers(language))
    for row in audit.export_rows(incidents, now).iterator(chunk_size=2000):
        row = list(row)
        row[4] = row[4] or ""
        # ["ransomware", "data_leak"] -> ransomware data_leak
        row[5] = " ".join(json.loads(row[5] or "[]"))
        yield writer.writerow(row)


@require_GET
@login_required
def insurer_export_csv(request):
    """The compliance table as CSV: ``lang=fr|en`` for the headers, ``bom=1`` for the
    spreadsheets that only read accents right after a UTF-8 byte order mark."""
    insurer_ids = _auditor(request)
    _form, filters, _organisation = _filters(request, insurer_ids)
    if filters is None:
        return HttpResponse(
            _("Filtres invalides : corrigez-les sur le tableau de bord."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    language = request.GET.get("lang") or reader_language()
    if language not in ("fr", "en"):
        language = reader_language()
    incidents = _scoped(request, insurer_ids, filters)
    response = StreamingHttpResponse(
        csv_lines(incidents, language, request.GET.get("bom") == "1", timezone.now()),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="riposte-conformite-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _ask(request, kind):
    insurer_ids = _auditor(request)
    _form, filters, organisation = _filters(request, insurer_ids)
    if filters is None:
        return redirect(f"{_url('insurer_home')}?{request.GET.urlencode()}")
    task = task_service.request_task(
        kind,
        user=request.user,
        organisation=organisation,
        filters=filters,
        language=reader_language(),
    )
    return redirect("insurer_task", pk=task.pk)


def _url(name):
    from django.urls import reverse

    return reverse(name)


@require_POST
@login_required
def insurer_report(request):
    """Ask the worker for the period's compliance report (filters in the query string)."""
    return _ask(request, AuditTask.Kind.REPORT)


@require_POST
@login_required
def insurer_verify(request):
    """Ask the worker to verify the journal of every filtered incident."""
    return _ask(request, AuditTask.Kind.VERIFICATION)


def _task_or_404(request, pk) -> AuditTask:
    insurer_ids = _auditor(request)
    return get_object_or_404(
        AuditTask.objects.select_related("organisation"),
        pk=pk,
        organisation_id__in=insurer_ids,
    )


@require_GET
@login_required
def insurer_task(request, pk):
    """One task's progress: the page, or for HTMX polling its status fragment alone (286
    once finished, which stops the polling)."""
    task = _task_or_404(request, pk)
    context = {"task": task, "query": urlencode(task.filters)}
    if request.htmx:
        html = render_to_string("insurer/task.html#status", context, request)
        return HttpResponse(html) if task.is_under_way else HttpResponseStopPolling(html)
    return render(request, "insurer/task.html", context)


@require_GET
@login_required
def insurer_task_download(request, pk):
    task = _task_or_404(request, pk)
    if task.kind != AuditTask.Kind.REPORT or task.status != AuditTask.Status.READY:
        raise Http404
    return private_attachment(task.file, task.filename, "application/pdf")
