"""Where each role lands after signing in."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Min, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from ..access import home_kind, visible_incidents
from ..models import Membership, Step


def _with_progress(incidents):
    return incidents.select_related("company", "policy").annotate(
        steps_total=Count("steps", filter=Q(steps__applicable=True)),
        steps_done=Count(
            "steps", filter=Q(steps__applicable=True, steps__status__in=["done", "not_applicable"])
        ),
        next_due_at=Min("steps__due_at", filter=Q(steps__applicable=True, steps__status="todo")),
    )


@login_required
def home(request):
    kind = home_kind(request.user)
    if kind == "company":
        return redirect("company_home")
    if kind == "broker":
        return redirect("broker_home")
    if kind == "insurer":
        return redirect("insurer_home")
    if kind == "admin":
        return redirect("admin:index")
    return render(request, "incident_app/no_organisation.html")


@login_required
def company_home(request):
    incidents = _with_progress(
        visible_incidents(request.user).filter(
            company__memberships__user=request.user,
            company__memberships__role__in=Membership.COMPANY_ROLES,
        )
    )
    return render(request, "incident_app/company_home.html", {"incidents": incidents})


@login_required
def broker_home(request):
    incidents = _with_progress(
        visible_incidents(request.user).filter(
            policy__broker__memberships__user=request.user,
            policy__broker__memberships__role="broker",
        )
    )
    return render(request, "incident_app/broker_home.html", {"incidents": incidents})


@login_required
def insurer_home(request):
    incidents = visible_incidents(request.user).filter(
        policy__insurer__memberships__user=request.user,
        policy__insurer__memberships__role="auditor",
    )
    steps = Step.objects.filter(incident__in=incidents, applicable=True, due_at__isnull=False)
    language = (get_language() or "fr")[:2]
    # One row per step as the reader knows it, by its title: a step whose title names the
    # authority (the CNIL in France, the CNPD in Luxembourg) has one row per authority.
    by_step = (
        steps.annotate(
            title=Coalesce(KT(f"definition__title__{language}"), KT("definition__title__fr"))
        )
        .values("key", "title")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status="done")),
            late=Count("id", filter=Q(status="done", done_at__gt=F("due_at"))),
            first=Min("order"),
        )
        .order_by("first", "title")
    )
    return render(
        request,
        "incident_app/insurer_home.html",
        {"incidents": _with_progress(incidents), "compliance": by_step},
    )
