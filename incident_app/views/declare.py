"""Declaring an attack: a short form, then straight to the first reflex."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms import DeclareForm
from ..models import Incident, Membership
from ..services.incidents import open_incident


def _company_of(user):
    membership = (
        user.memberships.filter(
            role__in=Membership.COMPANY_ROLES,
            organisation__kind="company",
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.organisation


def _already_declared(user, token):
    return Incident.objects.visible_to(user).filter(declaration_token=token).first()


def _redirect_existing(request, incident):
    messages.info(
        request,
        _("L'incident %(reference)s a déjà été déclaré avec ce formulaire.")
        % {"reference": incident.reference},
    )
    return redirect("incident_detail", reference=incident.reference)


@login_required
def declare(request):
    company = _company_of(request.user)
    if request.method == "POST":
        form = DeclareForm(request.POST, company=company)
        token = _as_uuid(request.POST.get("token"))
        # A second click on the same form: show what the first one opened, open nothing.
        existing = _already_declared(request.user, token) if token else None
        if existing is not None:
            return _redirect_existing(request, existing)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    incident = open_incident(
                        company=company,
                        policy=data["policy"],
                        kinds=data["kinds"],
                        discovered_at=data["discovered_at"],
                        personal_data=data["personal_data"],
                        network_usable=data["network_usable"],
                        declared_by=request.user,
                        # Unique: a concurrent twin of this form fails and rolls back whole.
                        declaration_token=data["token"],
                    )
            except IntegrityError:
                existing = _already_declared(request.user, data["token"])
                if existing is None:
                    raise
                return _redirect_existing(request, existing)
            messages.success(
                request,
                _("Incident %(reference)s déclaré. Suivez les étapes une par une.")
                % {"reference": incident.reference},
            )
            return redirect("incident_detail", reference=incident.reference)
    else:
        form = DeclareForm(company=company)
    if not form.policies:
        return render(request, "incident_app/declare/no_policy.html", {"company": company})
    return render(
        request,
        "incident_app/declare/form.html",
        {"form": form, "company": company},
        status=400 if request.method == "POST" else 200,
    )


def _as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
