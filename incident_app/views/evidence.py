"""Evidence: upload, download through the visibility check, withdrawal with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import security
from core.downloads import private_attachment

from .. import access
from ..forms import EvidenceUploadForm, WithdrawEvidenceForm
from ..services import evidence as evidence_service
from .incident import incident_url, render_page


@login_required
def evidence_upload(request, reference):
    incident = access.get_visible_incident(request.user, reference)
    if request.method != "POST":
        return redirect(incident_url(incident, anchor="#evidence"))
    access.require(access.can_act_on_steps(request.user, incident))
    form = EvidenceUploadForm(request.POST, request.FILES)
    errors, added = [], 0
    if form.is_valid():
        step = None
        if form.cleaned_data["step"]:
            step = incident.steps.filter(key=form.cleaned_data["step"]).first()
        for upload in form.cleaned_data["files"]:
            # Each file stands on its own: one refused file does not hold back the others.
            try:
                evidence_service.add_evidence(
                    incident,
                    upload,
                    user=request.user,
                    step=step,
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                added += 1
    else:
        errors.extend(message for field in form.errors.values() for message in field)
    done = (
        ngettext("%(count)d preuve ajoutée.", "%(count)d preuves ajoutées.", added)
        % {"count": added}
        if added
        else ""
    )
    return _respond(request, incident, errors, done)


def _respond(request, incident, errors, done):
    """The evidence section again (HTMX), or the page with the messages (plain POST)."""
    if request.htmx:
        return render_page(
            request,
            incident,
            fragments=["evidence", "journal"],
            evidence_errors=errors,
            evidence_flash=done,
        )
    for message in errors:
        messages.error(request, message)
    if done:
        messages.success(request, done)
    return redirect(incident_url(incident, anchor="#evidence"))


def _evidence_or_404(incident, pk):
    return get_object_or_404(incident.evidence.select_related("incident"), pk=pk)


@login_required
def evidence_download(request, reference, pk):
    """Stream a file as an attachment, never rendered by the browser."""
    incident = access.get_visible_incident(request.user, reference)
    evidence = _evidence_or_404(incident, pk)
    security.record(
        security.Kind.DOWNLOAD,
        request,
        target=incident.reference,
        evidence=evidence.pk,
        sha256=evidence.sha256,
    )
    return private_attachment(evidence.file, evidence.download_name, evidence.content_type)


@login_required
def evidence_withdraw(request, reference, pk):
    incident = access.get_visible_incident(request.user, reference)
    evidence = _evidence_or_404(incident, pk)
    if request.method != "POST":
        return redirect(incident_url(incident, anchor="#evidence"))
    access.require(access.can_act_on_steps(request.user, incident))
    form = WithdrawEvidenceForm(request.POST)
    errors, done = [], ""
    if form.is_valid():
        try:
            evidence_service.withdraw_evidence(
                evidence, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            done = _("Preuve « %(name)s » retirée ; elle reste dans l'inventaire.") % {
                "name": evidence.original_name
            }
    else:
        errors.extend(message for field in form.errors.values() for message in field)
    return _respond(request, incident, errors, done)
