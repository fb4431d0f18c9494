"""The state of the claim at the insurer, changed by the broker or the insurer with a note."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ClaimStateChange, Incident, JournalEntry, journal_language
from ..signals import claim_state_changed
from . import notify, reminders


def record_change(incident: Incident, previous: str, *, user, note: str, now) -> ClaimStateChange:
    """Keep one change of ``incident.status`` (already saved) in the claim's history."""
    return ClaimStateChange.objects.create(
        incident=incident,
        from_state=previous,
        to_state=incident.status,
        note=note,
        changed_by=user,
        changed_by_label=user.display_name if user else "Riposte",
        changed_at=now,
    )


@transaction.atomic
def change_claim_state(incident: Incident, *, user, state: str, note: str, now=None):
    """Move the claim to ``state`` with a note: journaled, kept in the history, told to the
    company's managers, and announced by ``claim_state_changed`` with the change.

    Closing or refusing stops the steps' reminders, as closing does; leaving those states
    plans them again.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Expliquez ce changement d'état en une note."), code="note")
    if state not in Incident.Status.values:
        raise ValidationError(_("Cet état de sinistre n'existe pas."), code="state")
    incident = Incident.objects.select_for_update().select_related("company").get(pk=incident.pk)
    if incident.status == state:
        raise ValidationError(_("Le sinistre est déjà dans cet état."), code="same")
    previous, incident.status = incident.status, state
    incident.save(update_fields=["status", "updated_at"])
    reminders.sync_for_incident(incident, now=now)
    labels = dict(Incident.Status.choices)
    with journal_language(incident):
        text = _("État du sinistre : %(old)s → %(new)s. %(note)s") % {
            "old": labels[previous],
            "new": labels[state],
            "note": note,
        }
    JournalEntry.append(
        incident,
        JournalEntry.Kind.STATUS_CHANGED,
        text,
        actor=user,
        data={"from": previous, "to": state, "reason": note},
    )
    change = record_change(incident, previous, user=user, note=note, now=now)

    def words():
        return (
            _("%(reference)s : le sinistre passe à l'état « %(state)s »")
            % {"reference": incident.reference, "state": Incident.Status(state).label},
            note,
        )

    notify.announce(incident, notify.company_managers(incident), words, now=now)
    # Inside the transaction, like the other incident signals: a receiver's outbox row is
    # committed or rolled back with the change.
    claim_state_changed.send(
        sender=Incident,
        incident=incident,
        change=change,
        user=user,
        previous=previous,
        state=state,
        now=now,
    )
    return change
