"""The data-protection notification: GDPR art. 33 content for the CNIL or the CNPD, and, when
the risk to people is high, a draft of the art. 34 communication to them.

``start_notification`` prefills a new notification from the incident and the company profile;
``record_acknowledgement`` stores the authority's number and receipt and, the first time,
completes the ``dpa_notification`` step with them as its proof.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incident_app.models import Incident, JournalEntry, Step
from incident_app.services.evidence import add_evidence
from incident_app.services.steps import complete_step
from playbooks.keys import DPA_NOTIFICATION

from ..models import DataBreachNotification
from . import inventory
from .rendering import Built, Target, builder, static_base

TEMPLATE = "pdf/notification.html"


def start_notification(incident: Incident, user) -> DataBreachNotification:
    """A new notification, prefilled: complementary when an earlier one was made."""
    earlier = incident.data_breach_notifications.order_by("-created_at", "-pk").first()
    company = incident.company
    if earlier is not None:
        # A complementary notification repeats what was said, to be completed.
        fields = {
            name: getattr(earlier, name)
            for name in (
                "nature",
                "people_categories",
                "people_count",
                "record_categories",
                "record_count",
                "contact",
                "consequences",
                "measures_taken",
                "measures_proposed",
            )
        }
        phase = DataBreachNotification.Phase.COMPLEMENTARY
    else:
        fields = {
            "nature": _("Cyberattaque (%(kinds)s). %(description)s")
            % {"kinds": ", ".join(incident.kind_labels()), "description": incident.description},
            "contact": company.dpo_contact,
        }
        phase = DataBreachNotification.Phase.INITIAL
    fields["nature"] = fields["nature"].strip()
    return DataBreachNotification.objects.create(
        incident=incident, phase=phase, created_by=user, **fields
    )


@transaction.atomic
def record_acknowledgement(
    notification: DataBreachNotification,
    *,
    user,
    number: str,
    notified_at: datetime,
    receipt=None,
    now: datetime | None = None,
) -> DataBreachNotification:
    """Store the authority's acknowledgement; the first one completes the step's proof."""
    now = now or timezone.now()
    notification = DataBreachNotification.objects.select_for_update().get(pk=notification.pk)
    if notification.is_acknowledged:
        raise ValidationError(
            _("L'accusé de réception de cette notification est déjà enregistré."),
            code="already_acknowledged",
        )
    number = number.strip()
    if not number:
        raise ValidationError(_("Indiquez le numéro donné par l'autorité."), code="number")
    incident = notification.incident
    step = incident.steps.filter(key=DPA_NOTIFICATION).first()
    if step is not None and step.status == Step.Status.TODO:
        # The step checks the time (not in the future, not before discovery) and keeps the file.
        complete_step(
            step,
            user=user,
            done_at=notified_at,
            proof_reference=number,
            proof_details=_("Notification %(phase)s à la %(authority)s")
            % {
                "phase": notification.get_phase_display().lower(),
                "authority": notification.authority,
            },
            files=[receipt] if receipt else (),
            now=now,
        )
        evidence = step.evidence.order_by("-pk").first() if receipt else None
    else:
        if notified_at > now:
            raise ValidationError(_("L'heure indiquée est dans le futur."), code="future")
        evidence = (
            add_evidence(incident, receipt, user=user, step=step, description=number)
            if receipt
            else None
        )
        JournalEntry.append(
            incident,
            JournalEntry.Kind.NOTE,
            _(
                "Accusé de réception de la %(authority)s pour la notification %(phase)s : %(number)s."
            )
            % {
                "authority": notification.authority,
                "phase": notification.get_phase_display().lower(),
                "number": number,
            },
            actor=user,
            occurred_at=notified_at,
            data={"notification": notification.pk, "acknowledgement_number": number},
        )
    notification.acknowledgement_number = number
    notification.acknowledged_at = notified_at
    notification.acknowledgement = evidence
    notification.save(
        update_fields=["acknowledgement_number", "acknowledged_at", "acknowledgement", "updated_at"]
    )
    return notification


@builder("notification")
def build(target: Target, *, lang: str, now: datetime) -> Built:
    notification = target.notification
    incident = notification.incident
    at = notification.acknowledged_at or now
    return Built(
        TEMPLATE,
        {
            "notification": notification,
            "incident": incident,
            "company": incident.company,
            "authority": notification.authority,
            "late": notification.is_late(at),
            "missing": notification.missing(at),
            "high_risk": incident.high_risk,
            "generated_at": now,
            "zone": incident.company.timezone,
            "lang": lang,
            "static_base": static_base(),
        },
        (inventory.attachment(incident),),
    )
