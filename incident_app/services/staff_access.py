"""Platform staff opening a company's incident: with a reason, for a while, in its journal.

``Incident.objects.visible_to`` lets staff see an incident only while one of their grants is
live; the grant is written into the incident's journal (which the company reads) and into
the security log, and the incident's page shows it as long as it lasts.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import security

from ..models import Incident, JournalEntry, StaffAccess, journal_language

MIN_REASON = 10


def live_accesses(incident: Incident, now=None):
    return StaffAccess.objects.live(now).filter(incident=incident).select_related("user")


@transaction.atomic
def open_access(incident: Incident, *, user, reason: str, request=None, now=None) -> StaffAccess:
    """Let a staff member see the incident for ``RIPOSTE_STAFF_ACCESS_MINUTES``."""
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if not user.is_staff:
        raise ValidationError(_("Réservé à l'équipe Riposte."), code="not_staff")
    if len(reason) < MIN_REASON:
        raise ValidationError(
            _("Dites à l'entreprise pourquoi vous ouvrez son incident (%(n)d caractères au moins).")
            % {"n": MIN_REASON},
            code="reason",
        )
    grant = StaffAccess.objects.create(
        incident=incident,
        user=user,
        reason=reason[:500],
        opened_at=now,
        expires_at=now + timedelta(minutes=settings.RIPOSTE_STAFF_ACCESS_MINUTES),
    )
    with journal_language(incident):
        text = _(
            "L'équipe Riposte (%(who)s) a ouvert l'accès à cet incident jusqu'au %(until)s. "
            "Motif : %(reason)s"
        ) % {
            "who": user.email,
            "until": incident.local_text(grant.expires_at),
            "reason": grant.reason,
        }
    JournalEntry.append(
        incident,
        JournalEntry.Kind.STAFF_ACCESS,
        text,
        actor=user,
        data={"access": grant.pk, "reason": grant.reason, "expires_at": grant.expires_at},
    )
    security.record(
        security.Kind.STAFF_ACCESS, request, user=user, target=incident.reference, reason=reason
    )
    return grant
