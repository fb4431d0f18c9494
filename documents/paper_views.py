"""The printable papers: the reflex sheet, the data-protection notification assistant and the
police complaint letter; asking for a PDF, following its rendering, downloading it.

Rendering happens in the worker (``documents.tasks.render_document``); every page here only
reads and writes rows.  Who sees a paper follows who sees what it is about: the incident
(``Incident.objects.visible_to``) or, for the reflex sheet, the company
(``access.visible_companies``); anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseStopPolling

from core.downloads import private_attachment
from core.language import reader_language
from incident_app import access
from playbooks.keys import COMPLAINT

from .forms import AcknowledgementForm, ComplaintLetterForm, LanguageForm, NotificationForm
from .models import DataBreachNotification, RenderedDocument
from .services import complaint as complaint_service
from .services import notification as notification_service
from .services import rendering
from .services.rendering import Target


def _chosen_language(request) -> str:
    form = LanguageForm(request.POST)
    return form.cleaned_data["lang"] if form.is_valid() else reader_language()


def _ask(request, kind: str, target: Target):
    document, created = rendering.request_document(
        kind, target, request.user, lang=_chosen_language(request)
    )
    if created:
        messages.success(request, _("Le PDF se prépare : cela prend quelques secondes."))
    else:
        messages.info(request, _("Ce PDF est déjà en préparation : le voici."))
    return redirect("document_status", pk=document.pk)


def _visible_document(user, pk) -> RenderedDocument:
    document = get_object_or_404(
        RenderedDocument.objects.select_related("company", "incident", "requested_by"), pk=pk
    )
    if document.incident_id:
        if not access.visible_incidents(user).filter(pk=document.incident_id).exists():
            raise Http404
    elif not access.visible_companies(user).filter(pk=document.company_id).exists():
        raise Http404
    return document


def _back_url(document: RenderedDocument) -> str:
    if document.kind == RenderedDocument.Kind.REFLEX_SHEET:
        return reverse("reflex_sheet", args=[document.company_id])
    if document.kind == RenderedDocument.Kind.COMPLAINT:
        return reverse("complaint_letter", args=[document.incident.reference])
    return reverse(
        "notification_edit", args=[document.incident.reference, document.notification_id]
    )


# --- following a rendering --------------------------------------------------------------------


@require_GET
@login_required
def document_status(request, pk):
    """A paper's progress: the page, or for HTMX polling its status fragment (286 when done)."""
    document = _visible_document(request.user, pk)
    context = {
        "document": document,
        "back_url": _back_url(document),
        "stuck": rendering.looks_stuck(document),
    }
    if request.htmx:
        html = render_to_string("documents/paper/status.html#status", context, request)
        if document.is_under_way:
            return HttpResponse(html)
        return HttpResponseStopPolling(html)
    return render(request, "documents/paper/status.html", context)


@require_GET
@login_required
def document_download(request, pk):
    document = _visible_document(request.user, pk)
    if document.status != RenderedDocument.Status.READY or not document.file:
        raise Http404
    return private_attachment(document.file, document.filename, "application/pdf")


# --- the reflex sheet -------------------------------------------------------------------------


@login_required
def reflex_sheet(request, pk):
    """The company's reflex sheets; its people and its broker may ask for a new one (POST)."""
    company = get_object_or_404(access.visible_companies(request.user), pk=pk)
    if request.method == "POST":
        return _ask(request, RenderedDocument.Kind.REFLEX_SHEET, Target(company))
    documents = RenderedDocument.objects.filter(
        kind=RenderedDocument.Kind.REFLEX_SHEET, company=company
    ).select_related("requested_by")[:20]
    return render(
        request,
        "documents/paper/reflex_sheet.html",
        {
            "company": company,
            "documents": documents,
            "language_form": LanguageForm(initial={"lang": reader_language()}),
        },
    )


# --- the data-protection notification ---------------------------------------------------------


def _notification_or_404(incident, pk) -> DataBreachNotification:
    return get_object_or_404(
        DataBreachNotification.objects.select_related("incident__company", "acknowledgement"),
        incident=incident,
        pk=pk,
    )


@login_required
def notification_list(request, reference):
    """The incident's notifications; the company's people start a new one (POST)."""
    incident = access.get_visible_incident(request.user, reference)
    if request.method == "POST":
        access.require(access.can_act_on_steps(request.user, incident))
        notification = notification_service.start_notification(incident, request.user)
        return redirect("notification_edit", reference=incident.reference, pk=notification.pk)
    return render(
        request,
        "documents/paper/notification_list.html",
        {
            "incident": incident,
            "notifications": incident.data_breach_notifications.select_related("incident"),
            "can_edit": access.can_act_on_steps(request.user, incident),
        },
    )


def _notification_page(request, incident, notification, *, form=None, ack_form=None, status=200):
    can_edit = access.can_act_on_steps(request.user, incident)
    now = timezone.now()
    return render(
        request,
        "documents/paper/notification.html",
        {
            "incident": incident,
            "notification": notification,
            "form": form or NotificationForm(instance=notification),
            "ack_form": ack_form or AcknowledgementForm(zone=incident.company.zone),
            "language_form": LanguageForm(initial={"lang": reader_language()}),
            "missing": notification.missing(notification.acknowledged_at or now),
            "late": notification.is_late(notification.acknowledged_at or now),
            "can_edit": can_edit and not notification.is_acknowledged,
            "can_acknowledge": can_edit and not notification.is_acknowledged,
            "can_print": access.can_annotate(request.user, incident),
            "documents": notification.renderings.select_related("requested_by")[:10],
        },
        status=status,
    )


@login_required
def notification_edit(request, reference, pk):
    """The art. 33(3) content, with what is still missing; saved by the company's people."""
    incident = access.get_visible_incident(request.user, reference)
    notification = _notification_or_404(incident, pk)
    if request.method == "POST":
        access.require(
            access.can_act_on_steps(request.user, incident) and not notification.is_acknowledged
        )
        form = NotificationForm(request.POST, instance=notification)
        if not form.is_valid():
            return _notification_page(request, incident, notification, form=form, status=400)
        form.save()
        messages.success(request, _("Notification enregistrée."))
        return redirect("notification_edit", reference=incident.reference, pk=notification.pk)
    return _notification_page(request, incident, notification)


@login_required
def notification_pdf(request, reference, pk):
    incident = access.get_visible_incident(request.user, reference)
    if request.method != "POST":
        # Only after the visibility check: what a user may not see is a 404 whatever the method.
        return HttpResponseNotAllowed(["POST"])
    access.require(access.can_annotate(request.user, incident))
    notification = _notification_or_404(incident, pk)
    return _ask(
        request,
        RenderedDocument.Kind.NOTIFICATION,
        Target(incident.company, incident, notification),
    )


@login_required
def notification_acknowledge(request, reference, pk):
    """Record the authority's acknowledgement: the number, when, and the receipt."""
    incident = access.get_visible_incident(request.user, reference)
    if request.method != "POST":
        # Only after the visibility check: what a user may not see is a 404 whatever the method.
        return HttpResponseNotAllowed(["POST"])
    access.require(access.can_act_on_steps(request.user, incident))
    notification = _notification_or_404(incident, pk)
    form = AcknowledgementForm(request.POST, request.FILES, zone=incident.company.zone)
    if form.is_valid():
        try:
            notification_service.record_acknowledgement(
                notification,
                user=request.user,
                number=form.cleaned_data["number"],
                notified_at=form.cleaned_data["notified_at"],
                receipt=form.cleaned_data["receipt"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Accusé de réception de la %(authority)s enregistré.")
                % {"authority": notification.authority},
            )
            return redirect("notification_edit", reference=incident.reference, pk=notification.pk)
    return _notification_page(request, incident, notification, ack_form=form, status=400)


# --- the police complaint letter ---------------------------------------------------------------


@login_required
def complaint_letter(request, reference):
    """The letter, prefilled and editable by the company's people; its versions as PDF."""
    incident = access.get_visible_incident(request.user, reference)
    can_edit = access.can_act_on_steps(request.user, incident)
    letter = complaint_service.letter_for(incident)
    form = ComplaintLetterForm(instance=letter)
    status = 200
    if request.method == "POST":
        access.require(can_edit)
        form = ComplaintLetterForm(request.POST, instance=letter)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            messages.success(request, _("Lettre de plainte enregistrée."))
            return redirect("complaint_letter", reference=incident.reference)
        status = 400
    return render(
        request,
        "documents/paper/complaint.html",
        {
            "incident": incident,
            "letter": letter,
            "form": form,
            "can_edit": can_edit,
            "can_print": access.can_annotate(request.user, incident),
            "missing": letter.missing(),
            "step": incident.steps.filter(key=COMPLAINT).first(),
            "language_form": LanguageForm(initial={"lang": reader_language()}),
            "documents": RenderedDocument.objects.filter(
                kind=RenderedDocument.Kind.COMPLAINT, incident=incident
            ).select_related("requested_by")[:10],
        },
        status=status,
    )


@login_required
def complaint_pdf(request, reference):
    incident = access.get_visible_incident(request.user, reference)
    if request.method != "POST":
        # Only after the visibility check: what a user may not see is a 404 whatever the method.
        return HttpResponseNotAllowed(["POST"])
    access.require(access.can_annotate(request.user, incident))
    return _ask(request, RenderedDocument.Kind.COMPLAINT, Target(incident.company, incident))
