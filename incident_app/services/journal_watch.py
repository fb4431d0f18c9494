"""The journals checked on a schedule: a broken chain is reported to staff, once.

Celery beat runs ``check_journals`` (task ``incident_app.verify_journals``); the same break
found on the next run is the same ``JournalAlert`` (unique per incident and signature), so
staff get one e-mail per break, not one per run. ``manage.py verify_journal`` words a break
the same way.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from ..models import Incident, JournalAlert, verify_chain

logger = logging.getLogger(__name__)


def describe(incident: Incident, verdict) -> tuple[str, str]:
    """A break's signature (what makes it the same break next time) and its description."""
    if verdict.truncated:
        return (
            f"truncated:{verdict.seq}:{verdict.head_seq}",
            f"BROKEN {incident.reference}: the tail is missing, the journal ends at "
            f"#{verdict.seq - 1} but its last recorded entry is #{verdict.head_seq}: "
            "the journal was truncated.",
        )
    if verdict.gap:
        removed = (
            f"entry #{verdict.seq} is"
            if verdict.missing == 1
            else f"entries #{verdict.seq} to #{verdict.last_missing} are"
        )
        return (
            f"gap:{verdict.seq}:{verdict.last_missing}",
            f"BROKEN {incident.reference}: {removed} missing before "
            f"#{verdict.entry.seq}: entries were removed from the journal.",
        )
    entry = verdict.entry
    return (
        f"altered:{entry.seq}:{entry.hash}",
        f"BROKEN {incident.reference} #{entry.seq} "
        f"({entry.kind}, {entry.created_at.isoformat()}): the journal was altered "
        "at or before this entry.",
    )


def check_journals() -> list[JournalAlert]:
    """Verify every journal; return the alerts raised by this run (breaks not seen before)."""
    raised = []
    for incident in Incident.objects.only("pk", "reference").order_by("pk").iterator():
        verdict = verify_chain(incident)
        if verdict is None:
            continue
        signature, description = describe(incident, verdict)
        try:
            with transaction.atomic():
                alert, created = JournalAlert.objects.get_or_create(
                    incident=incident, signature=signature, defaults={"description": description}
                )
        except IntegrityError:
            # Another run raised it at the same moment.
            continue
        if created:
            raised.append(alert)
    if raised:
        _tell_staff(raised)
    return raised


def _tell_staff(alerts: list[JournalAlert]) -> None:
    recipients = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    lines = [alert.description for alert in alerts]
    logger.error("Journal integrity: %s", " | ".join(lines))
    if recipients:
        # Staff read English in the back office; the descriptions are the command's.
        send_mail(
            f"[Riposte] {len(alerts)} journal(s) broken",
            "\n".join(lines) + "\n\nThe alerts are listed in the admin (Journal integrity alerts).",
            None,
            recipients,
        )
