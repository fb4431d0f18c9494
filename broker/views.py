"""The broker's pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from incident_app.access import visible_incidents


@login_required
def broker_home(request):
    incidents = (
        visible_incidents(request.user)
        .filter(
            policy__broker__memberships__user=request.user,
            policy__broker__memberships__role="broker",
        )
        .with_progress()
    )
    return render(request, "broker/home.html", {"incidents": incidents})
