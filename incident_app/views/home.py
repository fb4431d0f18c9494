"""Where each role lands after signing in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from ..access import home_kind, visible_incidents
from ..models import Membership


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
    incidents = (
        visible_incidents(request.user)
        .filter(
            company__memberships__user=request.user,
            company__memberships__role__in=Membership.COMPANY_ROLES,
        )
        .with_progress()
    )
    return render(request, "incident_app/company_home.html", {"incidents": incidents})
