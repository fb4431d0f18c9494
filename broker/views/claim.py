"""The broker's page of one claim, and the actions on it: requests to the client, their
review, notes, the claim's state. The company answers requests from its incident page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from incident_app import access
from incident_app.services import claims as claim_service

from .. import completeness, notes, requests
from ..forms import AnswerForm, ClaimStateForm, NoteForm, RequestForm, ReviewForm
from ..models import ClientRequest
from ..portfolio import broker_orgs


def _broker_incident(request, reference):
    """The incident if the user is a broker of the brokerage that placed its policy."""
    incident = access.get_visible_incident(request.user, reference)
    if incident.policy.broker_id not in broker_orgs(request.user):
        raise Http404
    return incident


def _workspace(request, incident, *, status=200, **forms):
    context = {
        "incident": incident,
        "zone": incident.company.timezone,
        "checklist": completeness.checklist(incident),
        "requests": list(
            ClientRequest.objects.filter(incident=incident)
            .select_related("asked_by", "answered_by")
            .prefetch_related("evidence")
            .order_by("-asked_at")
        ),
        "notes": list(notes.notes_for(incident, internal=True)),
        "history": list(incident.claim_state_changes.all()[:20]),
        "request_form": forms.get("request_form")
        or RequestForm(zone=incident.company.zone, initial={"item": request.GET.get("item", "")}),
        "note_form": forms.get("note_form") or NoteForm(),
        "state_form": forms.get("state_form") or ClaimStateForm(initial={"state": incident.status}),
        "review_errors": forms.get("review_errors") or {},
    }
    return render(request, "broker/incident.html", context, status=status)


@login_required
def broker_incident(request, reference):
    return _workspace(request, _broker_incident(request, reference))


def _back(incident, anchor=""):
    return redirect(reverse("broker_incident", args=[incident.reference]) + anchor)


def _incident_url(incident, anchor=""):
    return reverse("incident_detail", args=[incident.reference]) + anchor


@login_required
def request_create(request, reference):
    incident = _broker_incident(request, reference)
    if request.method != "POST":
        return _back(incident)
    form = RequestForm(request.POST, zone=incident.company.zone)
    if form.is_valid():
        try:
            requests.ask(
                incident,
                user=request.user,
                item=form.cleaned_data["item"],
                title=form.cleaned_data["title"],
                details=form.cleaned_data["details"],
                due_at=form.cleaned_data["due_at"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Demande envoyée au client."))
            return _back(incident, "#requests")
    return _workspace(request, incident, status=400, request_form=form)


@login_required
def request_review(request, reference, pk):
    incident = _broker_incident(request, reference)
    client_request = get_object_or_404(ClientRequest, incident=incident, pk=pk)
    if request.method != "POST":
        return _back(incident, "#requests")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == ReviewForm.ACCEPT:
                requests.accept(client_request, user=request.user)
                done = _("Demande acceptée et close.")
            else:
                requests.send_back(
                    client_request, user=request.user, comment=form.cleaned_data["comment"]
                )
                done = _("Demande renvoyée au client.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return _back(incident, "#requests")
    errors = [message for messages_ in form.errors.values() for message in messages_]
    return _workspace(request, incident, status=400, review_errors={client_request.pk: errors})


@login_required
def note_add(request, reference):
    incident = _broker_incident(request, reference)
    if request.method != "POST":
        return _back(incident, "#notes")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note = notes.add_note(
                incident,
                user=request.user,
                text=form.cleaned_data["text"],
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Note partagée : l'entreprise est prévenue.")
                if note.shared
                else _("Note interne enregistrée."),
            )
            return _back(incident, "#notes")
    return _workspace(request, incident, status=400, note_form=form)


@login_required
def claim_state(request, reference):
    """Change the claim's state with a note: the broker or the insurer."""
    incident = access.get_visible_incident(request.user, reference)
    access.require(access.can_change_claim_state(request.user, incident))
    if request.method != "POST":
        return redirect("incident_detail", reference=incident.reference)
    form = ClaimStateForm(request.POST)
    if form.is_valid():
        try:
            claim_service.change_claim_state(
                incident,
                user=request.user,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("État du sinistre modifié ; l'entreprise est prévenue."))
            if incident.policy.broker_id in broker_orgs(request.user):
                return _back(incident, "#state")
            return redirect(_incident_url(incident, "#claim-state"))
    if incident.policy.broker_id in broker_orgs(request.user):
        return _workspace(request, incident, status=400, state_form=form)
    # The insurer changes the state from the incident page: the errors go there.
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(_incident_url(incident, "#claim-state"))


@login_required
def request_answer(request, reference, pk):
    """The company answers a request with text and files, from its incident page."""
    incident = access.get_visible_incident(request.user, reference)
    client_request = get_object_or_404(ClientRequest, incident=incident, pk=pk)
    if request.method != "POST":
        return redirect("incident_detail", reference=incident.reference)
    access.require(access.can_act_on_steps(request.user, incident))
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            requests.answer(
                client_request,
                user=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"] or [],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Réponse envoyée à votre courtier."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_incident_url(incident, "#broker-requests"))
