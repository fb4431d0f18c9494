"""What the policy pays for an incident, and what the company must do to keep the cover.

``coverage_summary`` reads the incident, its policy, its costs, its business interruption and
the steps that protect the cover, and hands them to the pure computations of
``coverage.indemnity``.  ``record_cost``, ``withdraw_cost``, ``save_business_interruption``
and ``attest_condition`` are the only ways the coverage data changes: each validates, saves and
journals in one transaction, or changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incident_app.models import Evidence, Incident, JournalEntry, Step, journal_language
from playbooks import keys

from .indemnity import (
    CENT,
    BusinessInterruptionEstimate,
    GuaranteeEstimate,
    GuaranteeTerms,
    PolicyEstimate,
    business_interruption_loss,
    estimate_guarantee,
    estimate_policy,
    explain,
    format_eur,
)
from .models import BusinessInterruption, ConditionAttestation, Cost, Guarantee
from .triggers import (
    GUARANTEE_KINDS,
    INCIDENT_KINDS,
    guarantee_pays,
    language_code,
    triggered_kinds,
)

# An invoice is a document: a PDF, or a scan or photo of the paper.  Other evidence types
# (e-mails, logs, spreadsheets) are proofs of the attack, not invoices.
INVOICE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/webp"}

COMPLAINT_STEP = keys.COMPLAINT
CLAIM_DECLARATION_STEP = keys.CLAIM_DECLARATION
COMPLAINT_HOURS = 72
COMPLAINT_SOURCE = (
    "Code des assurances, art. L12-10-1 (loi n° 2023-22 du 24 janvier 2023, LOPMI ; en vigueur "
    "le 24 avril 2023)"
)


class Status:
    """Where a condition of the cover stands."""

    MET = "met"
    NOT_YET = "not_yet"
    MISSED = "missed"
    TO_CONFIRM = "to_confirm"
    NOT_APPLICABLE = "not_applicable"


# --- what the summary holds -------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRef:
    pk: int
    name: str
    sha256: str

    @classmethod
    def of(cls, evidence: Evidence) -> EvidenceRef:
        return cls(evidence.pk, evidence.original_name, evidence.sha256)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "name": self.name, "sha256": self.sha256}


@dataclass(frozen=True)
class CostLine:
    pk: int
    supplier: str
    incurred_on: date
    description: str
    amount_excl_vat: Decimal
    amount_incl_vat: Decimal
    counted: str
    amount: Decimal
    invoice: EvidenceRef | None
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str = ""
    withdrawn_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        withdrawn = None
        if self.withdrawn_at is not None:
            withdrawn = {
                "at": self.withdrawn_at.isoformat(),
                "by": self.withdrawn_by,
                "reason": self.withdrawn_reason,
            }
        return {
            "id": self.pk,
            "supplier": self.supplier,
            "incurred_on": self.incurred_on.isoformat(),
            "description": self.description,
            "amount_excl_vat": _decimal(self.amount_excl_vat),
            "amount_incl_vat": _decimal(self.amount_incl_vat),
            "counted": self.counted,
            "amount": _decimal(self.amount),
            "invoice": self.invoice.as_dict() if self.invoice else None,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
            "withdrawn": withdrawn,
        }


@dataclass(frozen=True)
class GuaranteeSummary:
    """One guarantee of the policy that the incident triggers or that costs were recorded on.

    ``costs`` are the costs the estimate counts; ``withdrawn_costs`` are listed apart, so that
    nothing that adds up ``costs`` can count a withdrawn one.
    """

    pk: int
    kind: str
    label: str
    pays: str
    triggered: bool
    terms: GuaranteeTerms
    conditions: str
    costs: list[CostLine]
    estimate: GuaranteeEstimate
    explanation: list[str]
    withdrawn_costs: list[CostLine] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        terms = self.terms
        return {
            "kind": self.kind,
            "label": self.label,
            "pays": self.pays,
            "triggered": self.triggered,
            "terms": {
                "limit": _decimal(terms.limit),
                "sublimit": _decimal(terms.sublimit),
                "deductible_amount": _decimal(terms.deductible_amount),
                "deductible_percent": _decimal(terms.deductible_percent),
                "deductible_floor": _decimal(terms.deductible_floor),
                "waiting_period_hours": terms.waiting_period_hours,
                "waiting_mode": terms.waiting_mode,
                "indemnity_period_days": terms.indemnity_period_days,
            },
            "conditions": self.conditions,
            "costs": [cost.as_dict() for cost in self.costs],
            "withdrawn_costs": [cost.as_dict() for cost in self.withdrawn_costs],
            "claimed": _decimal(self.estimate.claimed),
            "deductible": _decimal(self.estimate.deductible),
            "cap": _decimal(self.estimate.cap),
            "cut_by_policy_limit": _decimal(self.estimate.cut_by_policy_limit),
            "estimated_indemnity": _decimal(self.estimate.payable),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Condition:
    """A condition that protects the cover, where it stands, and what proves it.

    ``advisory`` conditions are advice (no law or clause makes the payment depend on them),
    shown apart from the real conditions.
    """

    code: str
    title: str
    status: str
    source: str
    advisory: bool = False
    due_at: datetime | None = None
    done_at: datetime | None = None
    proof_reference: str = ""
    note: str = ""
    evidence: list[EvidenceRef] = field(default_factory=list)
    guarantee_pk: int | None = None
    guarantee_kind: str = ""
    attested_by: str = ""
    attested_at: datetime | None = None

    @property
    def proof_missing(self) -> bool:
        """Met by a recorded step, but with nothing to show it: no reference, no file. The
        insurer will ask for the receipt; better to add it while it is at hand."""
        return (
            self.status == Status.MET
            and self.code != "guarantee_condition"
            and not self.proof_reference
            and not self.evidence
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "status": self.status,
            "advisory": self.advisory,
            "source": self.source,
            "due_at": _iso(self.due_at),
            "done_at": _iso(self.done_at),
            "proof_reference": self.proof_reference,
            "note": self.note,
            "evidence": [evidence.as_dict() for evidence in self.evidence],
            "proof_missing": self.proof_missing,
            "guarantee": self.guarantee_kind or None,
            "attested_by": self.attested_by,
            "attested_at": _iso(self.attested_at),
        }


@dataclass(frozen=True)
class CoverageSummary:
    reference: str
    policy_number: str
    jurisdiction: str
    lang: str
    computed_at: datetime
    guarantees: list[GuaranteeSummary]
    interruption: BusinessInterruption | None
    interruption_estimate: BusinessInterruptionEstimate | None
    total: PolicyEstimate
    total_explanation: list[str]
    conditions: list[Condition]
    advice: list[Condition]

    @property
    def missed_conditions(self) -> list[Condition]:
        """Conditions of the cover already missed: the estimate assumes them met, and the
        insurer may refuse to pay for them (e.g. the complaint after 72 h in France)."""
        return [condition for condition in self.conditions if condition.status == Status.MISSED]

    @property
    def has_business_interruption_guarantee(self) -> bool:
        return any(g.kind == Guarantee.Kind.BUSINESS_INTERRUPTION for g in self.guarantees)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable: amounts as strings rounded to the cent, datetimes in ISO 8601."""
        interruption = None
        if self.interruption is not None and self.interruption_estimate is not None:
            record, estimate = self.interruption, self.interruption_estimate
            interruption = {
                "started_at": record.started_at.isoformat(),
                "ended_at": _iso(record.ended_at),
                "ongoing": estimate.ongoing,
                "interruption_hours": _decimal(estimate.interruption_hours),
                "indemnified_hours": _decimal(estimate.indemnified_hours),
                "hourly_margin": _decimal(estimate.hourly_margin),
                "lost_margin": _decimal(estimate.lost_margin),
                "extra_costs": _decimal(estimate.extra_costs),
                "loss": _decimal(estimate.loss),
                "explanation": explain(estimate.lines, self.lang),
            }
        return {
            "incident": self.reference,
            "policy": self.policy_number,
            "jurisdiction": self.jurisdiction,
            "lang": self.lang,
            "computed_at": self.computed_at.isoformat(),
            "guarantees": [guarantee.as_dict() for guarantee in self.guarantees],
            "business_interruption": interruption,
            "overall_limit": _decimal(self.total.overall_limit),
            "total_claimed": _decimal(self.total.total_claimed),
            "total_estimated_indemnity": _decimal(self.total.total_payable),
            "conditions_missed": [condition.code for condition in self.missed_conditions],
            "explanation": self.total_explanation,
            "conditions": [condition.as_dict() for condition in self.conditions],
            "advice": [condition.as_dict() for condition in self.advice],
        }


# --- the summary ------------------------------------------------------------------------------


def terms_of(guarantee: Guarantee) -> GuaranteeTerms:
    return GuaranteeTerms(
        kind=guarantee.kind,
        limit=guarantee.limit,
        sublimit=guarantee.sublimit,
        deductible_amount=guarantee.deductible_amount,
        deductible_percent=guarantee.deductible_percent,
        deductible_floor=guarantee.deductible_floor,
        waiting_period_hours=guarantee.waiting_period_hours,
        waiting_mode=guarantee.waiting_mode,
        indemnity_period_days=guarantee.indemnity_period_days,
    )


def coverage_summary(incident: Incident, now: datetime | None = None, lang: str = "fr"):
    """What the incident's policy is estimated to pay, and the conditions that protect it.

    The guarantees shown are those the incident triggers (``coverage.triggers``) that the
    policy has, plus any guarantee costs were recorded on.  The overall policy limit is
    consumed in the order the costs were incurred (``estimate_policy``'s convention); a
    guarantee without costs comes after, in the usual reading order of a claim.  Withdrawn
    costs count in no amount; they are listed with their guarantee, with who withdrew them and
    why.
    """
    now = now or timezone.now()
    lang = language_code(lang)
    policy = incident.policy
    guarantees = {g.kind: g for g in policy.guarantees.all()}
    known_kinds = [kind for kind in incident.kinds if kind in INCIDENT_KINDS]
    triggered = set(triggered_kinds(known_kinds, incident.personal_data)) & set(guarantees)

    costs_by_kind: dict[str, list[Cost]] = {}
    withdrawn_by_kind: dict[str, list[Cost]] = {}
    for cost in (
        Cost.objects.filter(incident=incident)
        .select_related("guarantee", "invoice", "recorded_by", "withdrawn_by")
        .order_by("incurred_on", "pk")
    ):
        bucket = withdrawn_by_kind if cost.is_withdrawn else costs_by_kind
        bucket.setdefault(cost.guarantee.kind, []).append(cost)

    interruption = BusinessInterruption.objects.filter(incident=incident).first()
    interruption_estimate = None
    bi_guarantee = guarantees.get(Guarantee.Kind.BUSINESS_INTERRUPTION)
    if interruption is not None and bi_guarantee is not None:
        interruption_estimate = _interruption_estimate(interruption, bi_guarantee, now)

    claimed = triggered | set(costs_by_kind)
    if interruption_estimate is not None:
        claimed.add(Guarantee.Kind.BUSINESS_INTERRUPTION)
    # A guarantee whose costs were all withdrawn is still shown, so its withdrawn costs stay
    # listed; it claims nothing, and its conditions are not asked for.
    shown = claimed | set(withdrawn_by_kind)
    order = list(GUARANTEE_KINDS)

    def first_incurred(kind: str) -> tuple[date, int]:
        dates = [cost.incurred_on for cost in costs_by_kind.get(kind, [])]
        if kind == Guarantee.Kind.BUSINESS_INTERRUPTION and interruption_estimate is not None:
            dates.append(timezone.localdate(interruption.started_at, incident.company.zone))
        return (min(dates) if dates else date.max, order.index(kind))

    kinds = sorted(shown, key=first_incurred)
    estimates = []
    for kind in kinds:
        costs = [cost.amount for cost in costs_by_kind.get(kind, [])]
        extra = interruption_estimate if kind == Guarantee.Kind.BUSINESS_INTERRUPTION else None
        estimates.append(estimate_guarantee(terms_of(guarantees[kind]), costs, interruption=extra))
    total = estimate_policy(estimates, policy.overall_limit)

    summaries = []
    for kind, estimate in zip(kinds, total.guarantees, strict=True):
        guarantee = guarantees[kind]
        summaries.append(
            GuaranteeSummary(
                pk=guarantee.pk,
                kind=kind,
                label=GUARANTEE_KINDS[kind].label[lang],
                pays=guarantee_pays(kind, lang),
                triggered=kind in triggered,
                terms=terms_of(guarantee),
                conditions=guarantee.conditions,
                costs=[_cost_line(cost) for cost in costs_by_kind.get(kind, [])],
                estimate=estimate,
                explanation=explain(estimate.lines, lang),
                withdrawn_costs=[_cost_line(cost) for cost in withdrawn_by_kind.get(kind, [])],
            )
        )
    # Shown in reading order; the overall limit was applied in the order of the costs.
    summaries.sort(key=lambda summary: order.index(summary.kind))

    conditions, advice = protective_conditions(
        incident,
        now=now,
        lang=lang,
        guarantees=[guarantees[kind] for kind in kinds if kind in claimed],
    )
    return CoverageSummary(
        reference=incident.reference,
        policy_number=policy.number,
        jurisdiction=policy.jurisdiction,
        lang=lang,
        computed_at=now,
        guarantees=summaries,
        interruption=interruption,
        interruption_estimate=interruption_estimate,
        total=total,
        total_explanation=explain(total.lines, lang),
        conditions=conditions,
        advice=advice,
    )


def _interruption_estimate(
    record: BusinessInterruption, guarantee: Guarantee, now: datetime
) -> BusinessInterruptionEstimate:
    # An interruption recorded as starting after ``now`` (a summary computed for an earlier
    # moment) has lasted nothing yet, rather than a negative time.
    return business_interruption_loss(
        record.started_at,
        record.ended_at,
        max(now, record.started_at),
        hourly_margin=record.hourly_margin,
        annual_margin=record.annual_margin,
        operating_hours_per_year=(
            Decimal(record.operating_hours_per_year) if record.annual_margin is not None else None
        ),
        waiting_period_hours=guarantee.waiting_period_hours,
        waiting_mode=guarantee.waiting_mode,
        indemnity_period_days=guarantee.indemnity_period_days,
        extra_costs=record.extra_costs,
    )


def _cost_line(cost: Cost) -> CostLine:
    return CostLine(
        pk=cost.pk,
        supplier=cost.supplier,
        incurred_on=cost.incurred_on,
        description=cost.description,
        amount_excl_vat=cost.amount_excl_vat,
        amount_incl_vat=cost.amount_incl_vat,
        counted=cost.counted,
        amount=cost.amount,
        invoice=EvidenceRef.of(cost.invoice) if cost.invoice_id else None,
        recorded_by=cost.recorded_by.display_name,
        recorded_at=cost.recorded_at,
        withdrawn_at=cost.withdrawn_at,
        withdrawn_by=cost.withdrawn_by.display_name if cost.withdrawn_by_id else "",
        withdrawn_reason=cost.withdrawn_reason,
    )


# --- conditions that protect the cover --------------------------------------------------------


def protective_conditions(
    incident: Incident,
    *,
    now: datetime | None = None,
    lang: str = "fr",
    guarantees=None,
    steps=None,
    evidence=None,
) -> tuple[list[Condition], list[Condition]]:
    """The conditions of the cover and, apart, the advice, each with its status and proof.

    1. France: the complaint within 72 h of the victim's knowledge of the attack conditions any
       payment for losses from it (Code des assurances, art. L12-10-1, public-order rule).  In
       Luxembourg no law sets it: the same 72 h are shown as advice only.
    2. The claim declared within the policy's delay (C. assur. art. L113-2 4° in France; the
       policy in Luxembourg).
    3. Each condition written in a shown guarantee (``Guarantee.conditions``): "to confirm"
       until a manager of the company attests it.

    ``steps`` and ``evidence`` (all the incident's evidence, withdrawn included) may be passed
    by a page that already read them, to spare reading them again.
    """
    now = now or timezone.now()
    lang = language_code(lang)
    steps = {step.key: step for step in (incident.steps.all() if steps is None else steps)}
    if evidence is not None:
        kept = sorted(
            (item for item in evidence if item.withdrawn_at is None), key=lambda e: e.uploaded_at
        )
        for step in steps.values():
            step.kept_evidence = [item for item in kept if item.step_id == step.pk]
    conditions: list[Condition] = []
    advice: list[Condition] = []
    with translation.override(lang):
        complaint = _complaint_condition(incident, steps.get(COMPLAINT_STEP), now, lang)
        (conditions if not complaint.advisory else advice).append(complaint)
        declaration = steps.get(CLAIM_DECLARATION_STEP)
        if declaration is not None:
            conditions.append(
                _step_condition(
                    declaration,
                    code="claim_declaration",
                    title=_(
                        "Sinistre déclaré à l'assureur dans le délai du contrat (%(days)s jours ouvrés)"
                    )
                    % {"days": incident.policy.claim_declaration_days},
                    now=now,
                    lang=lang,
                )
            )
        if guarantees is None:
            known = [kind for kind in incident.kinds if kind in INCIDENT_KINDS]
            triggered = set(triggered_kinds(known, incident.personal_data))
            # One query: the policy's guarantees, each saying whether costs (not withdrawn) were
            # recorded on it and whether its condition was attested for this incident. They are
            # sorted below: the model's ordering would join the policy for nothing.
            of_incident = {"incident_id": incident.pk, "guarantee_id": OuterRef("pk")}
            guarantees = [
                g
                for g in Guarantee.objects.filter(policy_id=incident.policy_id)
                .annotate(
                    has_costs=Exists(Cost.objects.filter(**of_incident, withdrawn_at__isnull=True)),
                    attested=Exists(ConditionAttestation.objects.filter(**of_incident)),
                )
                .order_by()
                if g.kind in triggered or g.has_costs
            ]
        attestations = {}
        if any(
            guarantee.conditions.strip() and getattr(guarantee, "attested", True)
            for guarantee in guarantees
        ):
            attestations = {
                a.guarantee_id: a
                for a in ConditionAttestation.objects.filter(incident=incident).select_related(
                    "attested_by"
                )
            }
        order = list(GUARANTEE_KINDS)
        for guarantee in sorted(guarantees, key=lambda g: order.index(g.kind)):
            if not guarantee.conditions.strip():
                continue
            attestation = attestations.get(guarantee.pk)
            conditions.append(
                Condition(
                    code="guarantee_condition",
                    title=guarantee.conditions.strip(),
                    status=Status.MET if attestation else Status.TO_CONFIRM,
                    source=_("Contrat %(number)s, garantie « %(label)s »")
                    % {
                        "number": incident.policy.number,
                        "label": GUARANTEE_KINDS[guarantee.kind].label[lang],
                    },
                    note=attestation.statement if attestation else "",
                    guarantee_pk=guarantee.pk,
                    guarantee_kind=guarantee.kind,
                    attested_by=attestation.attested_by.display_name if attestation else "",
                    attested_at=attestation.attested_at if attestation else None,
                )
            )
    return conditions, advice


def _complaint_condition(incident, step: Step | None, now, lang) -> Condition:
    advisory = incident.policy.jurisdiction != "FR"
    if advisory:
        title = _("Plainte déposée dans les 72 h (conseillé : aucune loi ne l'impose ici)")
        source = _(
            "Aucun délai légal au Luxembourg (NC3.lu) ; vérifiez si votre contrat en fixe un. "
            "Délai aligné sur le Code des assurances français, art. L12-10-1."
        )
    else:
        title = _(
            "Plainte déposée dans les 72 h suivant la connaissance de l'attaque : condition de "
            "tout paiement pour les pertes dues à l'attaque"
        )
        source = COMPLAINT_SOURCE
    if step is None:
        # The playbook always plans the complaint; an incident without it still owes it.
        due_at = incident.discovered_at + timedelta(hours=COMPLAINT_HOURS)
        return Condition(
            code="complaint_72h",
            title=title,
            status=_deadline_status(None, due_at, now),
            source=source,
            advisory=advisory,
            due_at=due_at,
        )
    condition = _step_condition(step, code="complaint_72h", title=title, now=now, lang=lang)
    return replace(condition, source=source, advisory=advisory)


def _step_condition(step: Step, *, code: str, title: str, now, lang) -> Condition:
    if step.status == Step.Status.NOT_APPLICABLE:
        status = Status.NOT_APPLICABLE
        note = step.not_applicable_reason
    else:
        done_at = step.done_at if step.status == Step.Status.DONE else None
        status = _deadline_status(done_at, step.due_at, now)
        note = step.proof_details
    rule = step.definition.get("rule") or {}
    return Condition(
        code=code,
        title=title,
        status=status,
        source=rule.get("source") or step.definition.get("source") or "",
        due_at=step.due_at,
        done_at=step.done_at if step.status == Step.Status.DONE else None,
        proof_reference=step.proof_reference,
        note=note,
        evidence=[EvidenceRef.of(evidence) for evidence in _kept_evidence(step)],
    )


def _kept_evidence(step: Step):
    """The step's evidence not withdrawn, oldest first: as read by the caller, or now."""
    kept = getattr(step, "kept_evidence", None)
    if kept is not None:
        return kept
    return step.evidence.filter(withdrawn_at__isnull=True).order_by("uploaded_at")


def _deadline_status(done_at, due_at, now) -> str:
    if done_at is not None:
        return Status.MET if due_at is None or done_at <= due_at else Status.MISSED
    if due_at is None or now <= due_at:
        return Status.NOT_YET
    return Status.MISSED


# --- changes ----------------------------------------------------------------------------------


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
                "amount_excl_vat": _decimal(cost.amount_excl_vat),
                "amount_incl_vat": _decimal(cost.amount_incl_vat),
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
            "amount": _decimal(cost.amount),
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
        before = _interruption_data(record) if record else None
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
        after = _interruption_data(record)
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


# --- formatting -------------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> str | None:
    """Money, hours or percentages for JSON: a string rounded half-up to two places,
    "1234.50"."""
    if value is None:
        return None
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):f}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _local(moment: datetime, incident: Incident) -> str:
    return moment.astimezone(incident.company.zone).strftime("%d/%m/%Y %H:%M")


def _interruption_data(record: BusinessInterruption) -> dict[str, Any]:
    return {
        "started_at": record.started_at.isoformat(),
        "ended_at": _iso(record.ended_at),
        "hourly_margin": _decimal(record.hourly_margin),
        "annual_margin": _decimal(record.annual_margin),
        "operating_hours_per_year": record.operating_hours_per_year,
        "extra_costs": _decimal(record.extra_costs),
    }
