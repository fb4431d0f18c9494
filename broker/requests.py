"""Requests to the client: the broker asks for an item, the company answers with text and
files (kept as evidence), the broker accepts or sends it back. Every move is journaled and
told to the other side; the deadline sweep reminds the company of due dates."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incident_app.models import Incident, JournalEntry, Membership, journal_language
from incident_app.services import evidence as evidence_service
from incident_app.services import notify

from . import completeness
from .models import ClientRequest

# The reminder before the due date; the second one comes at the due date.
SOON = timedelta(hours=24)


def _brokers(incident: Incident):
    return notify.Audience().members(incident.policy.broker_id, Membership.Role.BROKER)


def _journal(request: ClientRequest, kind: str, text: str, user, **data) -> None:
    JournalEntry.append(
        request.incident,
        kind,
        text,
        actor=user,
        data={"request": request.pk, "title": request.title, **data},
    )


@transaction.atomic
def ask(incident: Incident, *, user, item: str, title: str, details: str, due_at, now=None):
    """Ask the company for ``item`` of the checklist (or free text when ``item`` is empty)."""
    now = now or timezone.now()
    if item and item not in completeness.ITEM_LABELS:
        raise ValidationError(_("Cet élément n'est pas dans la liste."), code="item")
    title = (title or "").strip() or (str(completeness.ITEM_LABELS[item]) if item else "")
    if not title:
        raise ValidationError(_("Dites ce que vous demandez."), code="title")
    if due_at <= now:
        raise ValidationError(_("La date limite doit être dans le futur."), code="past")
    if incident.is_closed:
        raise ValidationError(_("Cet incident est clos."), code="closed")
    request = ClientRequest.objects.create(
        incident=incident,
        item=item,
        title=title[:200],
        details=(details or "").strip(),
        due_at=due_at,
        asked_by=user,
        asked_at=now,
    )
    with journal_language(incident):
        text = _("Le courtier demande : %(title)s, avant le %(due)s.") % {
            "title": request.title,
            "due": incident.local_text(due_at),
        }
    _journal(request, JournalEntry.Kind.REQUEST_SENT, text, user, item=item, due_at=due_at)

    def words():
        return (
            _("%(reference)s : votre courtier vous demande « %(title)s »")
            % {"reference": incident.reference, "title": request.title},
            _("À fournir avant le %(due)s.") % {"due": incident.local_text(due_at)},
        )

    notify.announce(incident, notify.company_managers(incident), words, now=now)
    return request


def _locked(request: ClientRequest) -> ClientRequest:
    return ClientRequest.objects.select_for_update().select_related("incident").get(pk=request.pk)


@transaction.atomic
def answer(request: ClientRequest, *, user, text: str, files=(), now=None) -> ClientRequest:
    """The company answers with text and files; the files become evidence of the incident,
    attached to the step the item belongs to, hashed and journaled as every upload."""
    now = now or timezone.now()
    request = _locked(request)
    if not request.waits_for_company:
        raise ValidationError(_("Cette demande n'attend plus de réponse."), code="closed")
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError(_("Écrivez une réponse ou joignez un fichier."), code="empty")
    incident = request.incident
    step = None
    if request.item in completeness.ITEM_STEPS:
        step = incident.steps.filter(key=completeness.ITEM_STEPS[request.item]).first()
    kept = []
    try:
        for upload in files:
            kept.append(
                evidence_service.add_evidence(
                    incident, upload, user=user, step=step, description=request.title
                )
            )
    except ValidationError:
        evidence_service.discard_files(kept)
        raise
    request.answer = text
    request.answered_by, request.answered_at = user, now
    request.status = ClientRequest.Status.ANSWERED
    request.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    request.evidence.add(*kept)
    with journal_language(incident):
        line = _("Réponse à la demande « %(title)s » : %(count)d fichier(s). %(text)s") % {
            "title": request.title,
            "count": len(kept),
            "text": text,
        }
    _journal(
        request,
        JournalEntry.Kind.REQUEST_ANSWERED,
        line.strip(),
        user,
        evidence=[e.pk for e in kept],
    )

    def words():
        return (
            _("%(reference)s : réponse à « %(title)s », à vérifier")
            % {"reference": incident.reference, "title": request.title},
            text,
        )

    notify.announce(incident, _brokers(incident), words, now=now)
    return request


@transaction.atomic
def accept(request: ClientRequest, *, user, now=None) -> ClientRequest:
    """The broker accepts the answer: the request is closed."""
    now = now or timezone.now()
    request = _locked(request)
    if request.status != ClientRequest.Status.ANSWERED:
        raise ValidationError(_("Seule une demande répondue peut être acceptée."), code="state")
    request.status = ClientRequest.Status.ACCEPTED
    request.reviewed_by, request.reviewed_at = user, now
    request.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    with journal_language(request.incident):
        text = _("Demande « %(title)s » acceptée par le courtier.") % {"title": request.title}
    _journal(request, JournalEntry.Kind.REQUEST_ACCEPTED, text, user)
    return request


@transaction.atomic
def send_back(request: ClientRequest, *, user, comment: str, due_at=None, now=None):
    """The broker sends the answer back with a comment; the company answers again, reminded
    anew before the (possibly new) due date."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Dites au client ce qui manque."), code="comment")
    request = _locked(request)
    if request.status != ClientRequest.Status.ANSWERED:
        raise ValidationError(_("Seule une demande répondue peut être renvoyée."), code="state")
    if due_at is not None:
        if due_at <= now:
            raise ValidationError(_("La date limite doit être dans le futur."), code="past")
        request.due_at = due_at
    request.status = ClientRequest.Status.RETURNED
    request.review_comment = comment
    request.reviewed_by, request.reviewed_at = user, now
    request.reminded_soon_at = request.reminded_overdue_at = None
    request.save()
    incident = request.incident
    with journal_language(incident):
        text = _("Demande « %(title)s » renvoyée au client : %(comment)s") % {
            "title": request.title,
            "comment": comment,
        }
    _journal(request, JournalEntry.Kind.REQUEST_RETURNED, text, user, comment=comment)

    def words():
        return (
            _("%(reference)s : votre courtier revient sur « %(title)s »")
            % {"reference": incident.reference, "title": request.title},
            comment,
        )

    notify.announce(incident, notify.company_managers(incident), words, now=now)
    return request


def remind_due(now) -> int:
    """The sweep's housekeeping: remind the company of requests due within ``SOON`` and of
    those past due, once each. Each reminder is claimed by a conditional UPDATE whose row
    count must be 1, so two sweeps at once send it once."""
    sent = 0
    waiting = ClientRequest.objects.filter(status__in=ClientRequest.WAITING_FOR_COMPANY)
    for field, due in (("reminded_overdue_at", now), ("reminded_soon_at", now + SOON)):
        pks = list(
            waiting.filter(**{f"{field}__isnull": True, "due_at__lte": due}).values_list(
                "pk", flat=True
            )[:500]
        )
        for pk in pks:
            with transaction.atomic():
                claimed = ClientRequest.objects.filter(
                    pk=pk,
                    status__in=ClientRequest.WAITING_FOR_COMPANY,
                    **{f"{field}__isnull": True},
                ).update(**{field: now})
                if claimed != 1:
                    continue
                if field == "reminded_overdue_at":
                    # Past due: the earlier reminder would say nothing more.
                    ClientRequest.objects.filter(pk=pk, reminded_soon_at__isnull=True).update(
                        reminded_soon_at=now
                    )
                _remind(ClientRequest.objects.select_related("incident__company").get(pk=pk), now)
                sent += 1
    return sent


def _remind(request: ClientRequest, now) -> None:
    incident = request.incident
    overdue = request.due_at <= now
    with journal_language(incident):
        text = (
            _("Rappel : la demande « %(title)s » du courtier est en retard.")
            if overdue
            else _("Rappel : la demande « %(title)s » du courtier est à fournir avant le %(due)s.")
        ) % {"title": request.title, "due": incident.local_text(request.due_at)}
    _journal(request, JournalEntry.Kind.REMINDER_SENT, text, None, overdue=overdue)

    def words():
        subject = (
            _("%(reference)s : la demande « %(title)s » est en retard")
            if overdue
            else _("%(reference)s : « %(title)s » à fournir avant le %(due)s")
        ) % {
            "reference": incident.reference,
            "title": request.title,
            "due": incident.local_text(request.due_at),
        }
        return subject, _("Votre courtier attend cet élément pour compléter le dossier.")

    notify.announce(incident, notify.company_managers(incident), words, now=now)
