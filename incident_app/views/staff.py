"""Platform staff ask for access to a company's incident, with a reason the company reads."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Incident
from ..services import staff_access as grants


class StaffAccessForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif, lu par l'entreprise"), max_length=500, widget=forms.Textarea
    )


@login_required
def staff_access(request, reference):
    """Staff only: the gate before a company's incident, the one place that looks it up
    outside ``visible_to``, and only to name it."""
    if not request.user.is_staff:
        raise Http404
    incident = get_object_or_404(Incident.objects.select_related("company"), reference=reference)
    form = StaffAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = grants.open_access(
                incident, user=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request,
                _("Accès ouvert jusqu'au %(until)s ; l'entreprise le voit dans son journal.")
                % {"until": incident.local_text(grant.expires_at)},
            )
            return redirect("incident_detail", reference=incident.reference)
    return render(
        request,
        "incident_app/staff_access.html",
        {
            "incident": incident,
            "form": form,
            "accesses": grants.live_accesses(incident),
            "access_minutes": settings.RIPOSTE_STAFF_ACCESS_MINUTES,
        },
        status=400 if request.method == "POST" else 200,
    )
