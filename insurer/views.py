"""The insurer's pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from incident_app.access import visible_incidents

from .audit import compliance_by_step


@login_required
def insurer_home(request):
    incidents = visible_incidents(request.user).filter(
        policy__insurer__memberships__user=request.user,
        policy__insurer__memberships__role="auditor",
    )
    return render(
        request,
        "insurer/home.html",
        {"incidents": incidents.with_progress(), "compliance": compliance_by_step(incidents)},
    )
