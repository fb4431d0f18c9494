"""Claim dossiers: ask for one, follow its rendering, download the PDF.

Rendering happens in a worker (``incident_app.tasks.render_claim_dossier``): asking only adds
a row, and the status page polls it with HTMX (or a plain "refresh" link without JavaScript).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseStopPolling

from core import security
from core.downloads import private_attachment
from incident_app import access

from .models import ClaimDossier
from .services import dossier as dossier_service


def _dossier_or_404(incident, pk) -> ClaimDossier:
    return get_object_or_404(
        ClaimDossier.objects.select_related("requested_by", "incident"), incident=incident, pk=pk
    )


@login_required
def dossier_list(request, reference):
    """The dossier's versions; the company and its broker may ask for a new one (POST)."""
    incident = access.get_visible_incident(request.user, reference)
    can_request = access.can_annotate(request.user, incident)
    if request.method == "POST":
        access.require(can_request)
        dossier, created = dossier_service.request_dossier(incident, request.user)
        if created:
            messages.success(
                request,
                _("Dossier v%(version)s demandé : il se prépare, cela prend quelques secondes.")
                % {"version": dossier.version},
            )
        else:
            messages.info(request, _("Un dossier est déjà en préparation : le voici."))
        return redirect("dossier_status", reference=incident.reference, pk=dossier.pk)
    dossiers = list(
        ClaimDossier.objects.filter(incident=incident)
        .select_related("requested_by", "incident")
        .order_by("-version")
    )
    under_way = next((d for d in dossiers if d.is_under_way), None)
    return render(
        request,
        "documents/dossier/list.html",
        {
            "incident": incident,
            "dossiers": dossiers,
            "dossier": under_way,
            "stuck": under_way is not None and dossier_service.looks_stuck(under_way),
            "can_request": can_request,
        },
    )


@login_required
@require_GET
def dossier_status(request, reference, pk):
    """One dossier's progress: the page, or for HTMX polling its status fragment alone.

    The fragment answers 286 once the dossier is ready or failed, which stops the polling.
    """
    incident = access.get_visible_incident(request.user, reference)
    dossier = _dossier_or_404(incident, pk)
    context = {
        "incident": incident,
        "dossier": dossier,
        "stuck": dossier_service.looks_stuck(dossier),
        "can_request": access.can_annotate(request.user, incident),
    }
    if request.htmx:
        html = render_to_string("documents/dossier/status.html#status", context, request)
        if dossier.is_under_way:
            return HttpResponse(html)
        return HttpResponseStopPolling(html)
    return render(request, "documents/dossier/status.html", context)


@login_required
@require_GET
def dossier_download(request, reference, pk):
    """The PDF as an attachment, never shown in the browser, never cached."""
    incident = access.get_visible_incident(request.user, reference)
    dossier = _dossier_or_404(incident, pk)
    if dossier.status != ClaimDossier.Status.READY or not dossier.file:
        raise Http404
    security.record(
        security.Kind.DOWNLOAD,
        request,
        target=incident.reference,
        dossier=dossier.pk,
        sha256=dossier.sha256,
    )
    return private_attachment(dossier.file, dossier.filename, "application/pdf")
