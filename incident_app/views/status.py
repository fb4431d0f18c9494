"""Closing a handled incident, and reopening it: the company's manager, from the facts page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import access
from ..forms import FactsForm, StatusForm
from ..services import incidents as incident_service


@login_required
def incident_status(request, reference):
    incident = access.get_visible_incident(request.user, reference)
    access.require(access.can_manage(request.user, incident))
    if request.method != "POST":
        return redirect("incident_facts", reference=incident.reference)
    form = StatusForm(request.POST, incident=incident)
    if form.is_valid():
        closing = form.cleaned_data["action"] == StatusForm.CLOSE
        change = incident_service.close_incident if closing else incident_service.reopen_incident
        try:
            change(incident, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if closing:
                messages.success(
                    request, _("Incident clos : ses étapes et ses rappels s'arrêtent.")
                )
            else:
                messages.success(
                    request, _("Incident rouvert : les rappels des étapes à faire reprennent.")
                )
            return redirect("incident_detail", reference=incident.reference)
    # The facts page again, its own form as the page shows it (same names as the incident's).
    facts_form = FactsForm(
        zone=incident.company.zone,
        initial={name: getattr(incident, name) for name in FactsForm.base_fields},
    )
    return render(
        request,
        "incident_app/incident/facts.html",
        {"incident": incident, "form": facts_form, "status_form": form},
        status=400,
    )
