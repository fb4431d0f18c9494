"""The only ways the coverage data changes: costs, their withdrawal, the business
interruption, and attested conditions. Each validates, saves and journals in one transaction,
or changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incident_app.models import Incident, JournalEntry, journal_language

from ..indemnity import format_eur
from ..models import BusinessInterruption, ConditionAttestation, Cost, Guarantee
from .formatting import interruption_data, json_decimal

# An invoice is a document: a PDF, or a scan or photo of the paper.  Other evidence types
# (e-mails, logs, spreadsheets) are proofs of the attack, not invoices.
INVOICE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/webp"}


def check_invoice(upload) -> None:
    """Refuse an invoice that is not a document (PDF or an image of the paper), by content."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head) if head else None
    if kind is None or kind.mime not in INVOICE_TYPES:
        raise ValidationError(
            {
                "invoice": _(
                    "La facture doit être un document PDF ou une image (PNG, JPEG, WEBP) ; "
                    "« %(name)s » n'en est pas un."
                )
                % {"name": getattr(upload, "name", "") or "?"}
            },
            code="not_a_document",
        )


def record_cost(
    incident: Incident,
    *,
    user,
    guarantee: Guarantee,
    supplier: str,
    incurred_on: date,
    amount_excl_vat: Decimal,
    amount_incl_vat: Decimal,
    counted: str = Cost.Counted.EXCL_VAT,
    description: str = "",
    invoice=None,
    now: datetime | None = None,
) -> Cost:
    """Record a cost under one of the policy's guarantees, with its invoice as evidence.

    Raises ``ValidationError`` (by field) and changes nothing for: a guarantee the policy does
    not have, a negative amount, an amount including VAT below the one excluding it, an
    absurd amount (``coverage.models.absurd_amount_for``), a date in the future, or an invoice
    that is not a document.  The invoice is kept as evidence (SHA-256, journaled) by the
    evidence service, and the cost is journaled with its amounts.
    """
    now = now or timezone.now()
    cost = Cost(
        incident=incident,
        guarantee=guarantee,
        supplier=(supplier or "").strip(),
        incurred_on=incurred_on,
        description=(description or "").strip(),
        amount_excl_vat=amount_excl_vat,
        amount_incl_vat=amount_incl_vat,
        counted=counted,
        recorded_by=user,
        recorded_at=now,
    )
    cost.full_clean(exclude=["invoice"])
    if incurred_on > timezone.localdate(now, incident.company.zone):
        raise ValidationError({"incurred_on": _("La date de la facture est dans le futur.")})
    if invoice is not None:
        check_invoice(invoice)
    with transaction.atomic():
        if invoice is not None:
            from incident_app.services.evidence import add_evidence

            try:
                cost.invoice = add_evidence(
                    incident,
                    invoice,
                    user=user,
                    description=_("Facture %(supplier)s du %(date)s")
                    % {"supplier": cost.supplier, "date": incurred_on.strftime("%d/%m/%Y")},
                )
            except ValidationError as error:
                raise ValidationError({"invoice": error.messages}) from error
        cost.save()
        with journal_language(incident) as language:
            text = _(
                "Coût enregistré : %(supplier)s, %(amount)s (%(counted)s), garantie « %(label)s »."
            ) % {
                "supplier": cost.supplier,
                "amount": format_eur(cost.amount, language),
                "counted": cost.get_counted_display(),
                "label": guarantee.get_kind_display(),
            }
        JournalEntry.append(
            incident,
            JournalEntry.Kind.COST_RECORDED,
            text,
            actor=user,
            data={
                "cost": cost.pk,
                "guarantee": guarantee.kind,
                "supplier": cost.supplier,
                "incurred_on": incurred_on.isoformat(),
                "amount_excl_vat": json_decimal(cost.amount_excl_vat),
                "amount_incl_vat": json_decimal(cost.amount_incl_vat),
                "counted": cost.counted,
                "invoice": cost.invoice_id,
                "invoice_sha256": cost.invoice.sha256 if cost.invoice_id else None,
            },
        )
    return cost


@transaction.atomic
def withdraw_cost(cost: Cost, *, user, reason: str, now: datetime | None = None) -> Cost:
    """Withdraw a mistaken cost (say 18 000 € typed for 1 800 €), with who, when and why.

    The cost is never deleted: it stays listed, and no total or estimate counts it any more.
    Raises ``ValidationError`` and changes nothing when the reason is empty or the cost was
    already withdrawn.  The row is locked, so two withdrawals at once cannot both pass.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi ce coût est retiré.")}, code="reason")
    cost = Cost.objects.select_for_update().get(pk=cost.pk)
    if cost.is_withdrawn:
        raise ValidationError(_("Ce coût a déjà été retiré."), code="already_withdrawn")
    cost.record_withdrawal(user=user, reason=reason, now=now or timezone.now())
    with journal_language(cost.incident) as language:
        text = _(
            "Coût retiré : %(supplier)s, %(amount)s, garantie « %(label)s ». Motif : %(reason)s"
        ) % {
            "supplier": cost.supplier,
            "amount": format_eur(cost.amount, language),
            "label": cost.guarantee.get_kind_display(),
            "reason": cost.withdrawn_reason,
        }
    JournalEntry.append(
        cost.incident,
        JournalEntry.Kind.COST_WITHDRAWN,
        text,
        actor=user,
        data={
            "cost": cost.pk,
            "guarantee": cost.guarantee.kind,
            "amount": json_decimal(cost.amount),
            "reason": cost.withdrawn_reason,
        },
    )
    return cost


def save_business_interruption(
    incident: Incident,
    *,
    user,
    started_at: datetime,
    ended_at: datetime | None,
    hourly_margin: Decimal | None = None,
    annual_margin: Decimal | None = None,
    operating_hours_per_year: int | None = None,
    extra_costs: Decimal = Decimal(0),
    now: datetime | None = None,
) -> BusinessInterruption:
    """Record or correct the interruption of the IT system; journaled with the old values.

    The policy must have a business-interruption guarantee; the period must not end before it
    starts nor lie in the future; the margin is hourly, or annual with the operating hours.
    """
    now = now or timezone.now()
    if not incident.policy.guarantees.filter(kind=Guarantee.Kind.BUSINESS_INTERRUPTION).exists():
        raise ValidationError(
            _("Le contrat de cet incident ne comporte pas de garantie pertes d'exploitation.")
        )
    with transaction.atomic():
        record = BusinessInterruption.objects.select_for_update().filter(incident=incident).first()
        before = interruption_data(record) if record else None
        record = record or BusinessInterruption(incident=incident)
        record.started_at = started_at
        record.ended_at = ended_at
        record.hourly_margin = hourly_margin
        record.annual_margin = annual_margin
        record.operating_hours_per_year = operating_hours_per_year
        record.extra_costs = extra_costs if extra_costs is not None else Decimal(0)
        record.updated_by = user
        record.updated_at = now
        record.full_clean(exclude=["incident"])
        errors = {}
        if started_at > now:
            errors["started_at"] = _("Le début de l'interruption est dans le futur.")
        if ended_at is not None and ended_at > now:
            errors["ended_at"] = _(
                "La fin de l'interruption est dans le futur : laissez vide tant qu'elle dure."
            )
        if errors:
            raise ValidationError(errors)
        record.save()
        after = interruption_data(record)
        with journal_language(incident):
            text = (
                _("Interruption d'activité en cours depuis le %(start)s.")
                if record.ongoing
                else _("Interruption d'activité du %(start)s au %(end)s.")
            ) % {
                "start": _local(record.started_at, incident),
                "end": _local(record.ended_at, incident) if record.ended_at else "",
            }
        JournalEntry.append(
            incident,
            JournalEntry.Kind.COST_RECORDED,
            text,
            actor=user,
            data={"business_interruption": after, "before": before},
        )
    return record


def attest_condition(
    incident: Incident, guarantee: Guarantee, *, user, statement: str = "", now=None
) -> ConditionAttestation:
    """The company attests that a guarantee's written condition was met; journaled."""
    # The condition as stored now, not as the caller last read it.
    guarantee = Guarantee.objects.get(pk=guarantee.pk)
    if guarantee.policy_id != incident.policy_id:
        raise ValidationError(_("Le contrat de cet incident ne comporte pas cette garantie."))
    if not guarantee.conditions.strip():
        raise ValidationError(_("Cette garantie ne pose aucune condition à attester."))
    statement = (statement or "").strip()[:500]
    with transaction.atomic():
        if ConditionAttestation.objects.filter(incident=incident, guarantee=guarantee).exists():
            raise ValidationError(_("Cette condition a déjà été attestée."))
        attestation = ConditionAttestation.objects.create(
            incident=incident,
            guarantee=guarantee,
            statement=statement,
            attested_by=user,
            attested_at=now or timezone.now(),
        )
        with journal_language(incident):
            text = _("Condition de la garantie « %(label)s » attestée : %(condition)s") % {
                "label": guarantee.get_kind_display(),
                "condition": guarantee.conditions.strip(),
            }
        JournalEntry.append(
            incident,
            JournalEntry.Kind.NOTE,
            text + (f" — {statement}" if statement else ""),
            actor=user,
            data={
                "condition_attested": guarantee.kind,
                "condition": guarantee.conditions.strip(),
                "statement": statement,
            },
        )
    return attestation


def _local(moment: datetime, incident: Incident) -> str:
    return moment.astimezone(incident.company.zone).strftime("%d/%m/%Y %H:%M")
