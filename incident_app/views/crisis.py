"""The crisis cell (invitations, who does which step) and crisis communication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..forms import AssignForm, CommunicationSentForm, InviteForm
from ..models import JournalEntry
from ..services import communication as communication_service
from ..services import crisis as crisis_service
from .incident import reader_language


@login_required
def crisis_cell(request, reference):
    """The company's people, who does which open step, and (for the manager) invitations."""
    incident = access.get_visible_incident(request.user, reference)
    can_manage = access.can_manage(request.user, incident)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        access.require(can_manage)
        if form.is_valid():
            try:
                crisis_service.invite_member(
                    incident,
                    email=form.cleaned_data["email"],
                    first_name=form.cleaned_data["first_name"],
                    inviter=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("crisis_cell", reference=incident.reference)
    return _crisis_cell_page(
        request, incident, form=form, status=400 if request.method == "POST" else 200
    )


def _crisis_cell_page(request, incident, *, form=None, assign_errors=None, status=200):
    language = reader_language()
    steps = list(
        incident.steps.filter(applicable=True)
        .select_related("assignee", "done_by")
        .order_by("order")
    )
    for step in steps:
        step.title_text = step.text("title", language)
        step.assign_error = (assign_errors or {}).get(step.key, "")
    return render(
        request,
        "incident_app/incident/crisis_cell.html",
        {
            "incident": incident,
            "members": list(crisis_service.crisis_cell(incident.company)),
            "steps": steps,
            "form": form or InviteForm(),
            "can_manage": access.can_manage(request.user, incident),
            "can_assign": access.can_assign(request.user, incident),
            "can_leave": access.incident_role(request.user, incident) == "member",
            "pending": (
                incident.company.cell_invitations.filter(
                    status="pending", expires_at__gt=timezone.now()
                )
                if access.can_manage(request.user, incident)
                else []
            ),
        },
        status=status,
    )


@login_required
def step_assign(request, reference, key):
    """Entrust a step to a member of the crisis cell, from the crisis cell page."""
    incident = access.get_visible_incident(request.user, reference)
    step = get_object_or_404(incident.steps.all(), key=key)
    if request.method != "POST":
        return redirect(reverse("crisis_cell", args=[incident.reference]) + f"#assign-{step.key}")
    access.require(access.can_assign(request.user, incident))
    form = AssignForm(request.POST, company=incident.company)
    if form.is_valid():
        try:
            crisis_service.assign_step(
                step, assignee=form.cleaned_data["assignee"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("assignee", error)
    if not form.is_valid():
        errors = {step.key: " ".join(form.errors.get("assignee", form.non_field_errors()))}
        return _crisis_cell_page(request, incident, assign_errors=errors, status=400)
    assignee = form.cleaned_data["assignee"]
    title = step.text("title", reader_language())
    text = (
        _("« %(title)s » confiée à %(who)s.") % {"title": title, "who": assignee.display_name}
        if assignee
        else _("« %(title)s » n'est plus confiée à personne.") % {"title": title}
    )
    messages.success(request, text)
    return redirect(reverse("crisis_cell", args=[incident.reference]) + f"#assign-{step.key}")


@login_required
def communication(request, reference):
    """Messages for staff, clients, partners and press, ready to edit, copy and record."""
    incident = access.get_visible_incident(request.user, reference)
    can_act = access.can_act_on_steps(request.user, incident)
    form = None
    if request.method == "POST":
        access.require(can_act)
        form = CommunicationSentForm(request.POST)
        if form.is_valid():
            try:
                communication_service.mark_sent(
                    incident,
                    audience=form.cleaned_data["audience"],
                    lang=form.cleaned_data["lang"],
                    text=form.cleaned_data["text"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error("text", error)
            else:
                messages.success(
                    request,
                    _("Envoi noté dans le journal (%(audience)s).")
                    % {"audience": communication_service.AUDIENCES[form.cleaned_data["audience"]]},
                )
                return redirect("communication", reference=incident.reference)
    drafts = communication_service.drafts(incident)
    if form is not None and form.is_bound:
        # Keep what the person wrote in the message they were sending.
        for group in drafts:
            for message in group["messages"]:
                if (group["audience"], message["lang"]) == (
                    form.data.get("audience"),
                    form.data.get("lang"),
                ):
                    message["text"] = form.data.get("text", "")
                    message["errors"] = [e for errors in form.errors.values() for e in errors]
    sent = incident.journal.filter(kind=JournalEntry.Kind.COMMUNICATION_SENT).order_by("-seq")
    return render(
        request,
        "incident_app/incident/communication.html",
        {
            "incident": incident,
            "drafts": drafts,
            "sent": sent,
            "can_act": can_act,
            "step": incident.steps.filter(key="communication").first(),
        },
        status=400 if request.method == "POST" else 200,
    )
