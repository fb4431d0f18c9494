"""Broker notes: internal to the brokerage, or shared with the company, which is told."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incident_app.models import Incident, JournalEntry, journal_language
from incident_app.services import notify

from .models import BrokerNote


@transaction.atomic
def add_note(incident: Incident, *, user, text: str, shared: bool, now=None) -> BrokerNote:
    """Keep a note; a shared one goes into the journal and to the company's managers. An
    internal note stays out of the journal, which the company reads."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("La note est vide."), code="empty")
    note = BrokerNote.objects.create(
        incident=incident, author=user, text=text, shared=shared, created_at=now or timezone.now()
    )
    if shared:
        with journal_language(incident):
            line = _("Note du courtier : %(text)s") % {"text": text}
        JournalEntry.append(
            incident, JournalEntry.Kind.BROKER_NOTE, line, actor=user, data={"note": note.pk}
        )

        def words():
            return (
                _("%(reference)s : une note de votre courtier") % {"reference": incident.reference},
                text,
            )

        notify.announce(incident, notify.company_managers(incident), words, now=now)
    return note


def notes_for(incident: Incident, *, internal: bool):
    """The notes a reader may see: all of them for the broker, the shared ones otherwise."""
    notes = BrokerNote.objects.filter(incident=incident).select_related("author")
    return notes if internal else notes.filter(Q(shared=True))
