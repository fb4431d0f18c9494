"""Outside experts: the company's manager or the broker lets a named person read parts of
one incident for a while; the expert's pages, each look journaled."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.downloads import private_attachment
from documents.models import ClaimDossier
from incident_app import access
from incident_app.models import ExpertAccess
from incident_app.services import experts as expert_service

from ..forms import ExpertGrantForm


def _grants_page(request, incident, form, status=200):
    grants = list(incident.expert_grants.select_related("expert", "granted_by", "revoked_by"))
    now = timezone.now()
    for grant in grants:
        grant.active = grant.is_active(now)
    return render(
        request,
        "broker/experts.html",
        {"incident": incident, "zone": incident.company.timezone, "grants": grants, "form": form},
        status=status,
    )


@login_required
def expert_grants(request, reference):
    """The incident's outside experts, and the form to let one in."""
    incident = access.get_visible_incident(request.user, reference)
    access.require(access.can_grant_experts(request.user, incident))
    form = ExpertGrantForm(request.POST or None, zone=incident.company.zone)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                grant = expert_service.grant_access(
                    incident,
                    granted_by=request.user,
                    email=data["email"],
                    name=data["name"],
                    firm=data["firm"],
                    role=data["role"],
                    parts=data["parts"],
                    expires_at=data["expires_at"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Accès ouvert à %(name)s ; un e-mail lui donne le lien.")
                    % {"name": grant.name},
                )
                return redirect("expert_grants", reference=incident.reference)
        return _grants_page(request, incident, form, status=400)
    return _grants_page(request, incident, form)


@login_required
def expert_revoke(request, reference, pk):
    incident = access.get_visible_incident(request.user, reference)
    access.require(access.can_grant_experts(request.user, incident))
    grant = get_object_or_404(ExpertAccess, incident=incident, pk=pk)
    if request.method == "POST":
        try:
            expert_service.revoke_access(grant, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Accès de %(name)s retiré.") % {"name": grant.name})
    return redirect("expert_grants", reference=incident.reference)


def _expert_incident(request, reference, part):
    """The incident through ``visible_to(user, part)``, and the user's grant when the user
    reads it as an outside expert (the views journal what experts open)."""
    incident = access.get_expert_incident(request.user, reference, part)
    return incident, expert_service.grant_for(request.user, incident)


@login_required
def expert_incident(request, reference):
    """An expert's landing page: what the grant covers, until when."""
    grant = (
        ExpertAccess.objects.active()
        .filter(expert=request.user, incident__reference=reference)
        .first()
    )
    if grant is None:
        raise Http404
    incident, grant = _expert_incident(request, reference, grant.parts[0])
    expert_service.record_view(incident, request.user, _("page d'accueil de l'expert"))
    return render(
        request,
        "broker/expert_incident.html",
        {"incident": incident, "grant": grant, "zone": incident.company.timezone},
    )


@login_required
def expert_journal(request, reference):
    incident, grant = _expert_incident(request, reference, ExpertAccess.Part.JOURNAL)
    if grant:
        expert_service.record_view(incident, request.user, _("journal"))
    entries = list(incident.journal.select_related("actor").order_by("-seq"))
    return render(
        request,
        "broker/expert_journal.html",
        {
            "incident": incident,
            "grant": grant,
            "entries": entries,
            "zone": incident.company.timezone,
        },
    )


@login_required
def expert_evidence(request, reference):
    incident, grant = _expert_incident(request, reference, ExpertAccess.Part.EVIDENCE)
    if grant:
        expert_service.record_view(incident, request.user, _("liste des preuves"))
    evidence = list(incident.evidence.select_related("uploaded_by").order_by("-uploaded_at"))
    return render(
        request,
        "broker/expert_evidence.html",
        {
            "incident": incident,
            "grant": grant,
            "evidence": evidence,
            "zone": incident.company.timezone,
        },
    )


@login_required
def expert_evidence_download(request, reference, pk):
    incident, grant = _expert_incident(request, reference, ExpertAccess.Part.EVIDENCE)
    evidence = get_object_or_404(incident.evidence.all(), pk=pk)
    if grant:
        expert_service.record_view(
            incident,
            request.user,
            _("preuve %(name)s (SHA-256 %(sha)s)")
            % {"name": evidence.original_name, "sha": evidence.sha256},
            evidence=evidence.pk,
        )
    return private_attachment(evidence.file, evidence.download_name, evidence.content_type)


@login_required
def expert_dossier(request, reference):
    incident, grant = _expert_incident(request, reference, ExpertAccess.Part.DOSSIER)
    if grant:
        expert_service.record_view(incident, request.user, _("dossiers de sinistre"))
    dossiers = list(
        ClaimDossier.objects.filter(incident=incident, status=ClaimDossier.Status.READY).order_by(
            "-version"
        )
    )
    return render(
        request,
        "broker/expert_dossier.html",
        {
            "incident": incident,
            "grant": grant,
            "dossiers": dossiers,
            "zone": incident.company.timezone,
        },
    )


@login_required
def expert_dossier_download(request, reference, pk):
    incident, grant = _expert_incident(request, reference, ExpertAccess.Part.DOSSIER)
    dossier = get_object_or_404(
        ClaimDossier, incident=incident, pk=pk, status=ClaimDossier.Status.READY
    )
    if not dossier.file:
        raise Http404
    if grant:
        expert_service.record_view(
            incident,
            request.user,
            _("dossier de sinistre v%(version)s") % {"version": dossier.version},
            dossier=dossier.pk,
        )
    return private_attachment(dossier.file, dossier.filename, "application/pdf")
