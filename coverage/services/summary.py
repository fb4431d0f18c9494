"""What the policy is estimated to pay for an incident, guarantee by guarantee.

``coverage_summary`` reads the incident, its policy, its costs and its business interruption,
hands them to the pure computations of ``coverage.indemnity``, and adds the conditions that
protect the cover (``coverage.services.conditions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.language import language_code
from incident_app.models import Incident

from ..indemnity import (
    BusinessInterruptionEstimate,
    GuaranteeEstimate,
    GuaranteeTerms,
    PolicyEstimate,
    business_interruption_loss,
    estimate_guarantee,
    estimate_policy,
    explain,
)
from ..models import BusinessInterruption, Cost, Guarantee
from ..triggers import (
    GUARANTEE_KINDS,
    INCIDENT_KINDS,
    guarantee_pays,
    triggered_kinds,
)
from .conditions import Condition, EvidenceRef, Status, protective_conditions
from .formatting import json_decimal, json_moment


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
            "amount_excl_vat": json_decimal(self.amount_excl_vat),
            "amount_incl_vat": json_decimal(self.amount_incl_vat),
            "counted": self.counted,
            "amount": json_decimal(self.amount),
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
                "limit": json_decimal(terms.limit),
                "sublimit": json_decimal(terms.sublimit),
                "deductible_amount": json_decimal(terms.deductible_amount),
                "deductible_percent": json_decimal(terms.deductible_percent),
                "deductible_floor": json_decimal(terms.deductible_floor),
                "waiting_period_hours": terms.waiting_period_hours,
                "waiting_mode": terms.waiting_mode,
                "indemnity_period_days": terms.indemnity_period_days,
            },
            "conditions": self.conditions,
            "costs": [cost.as_dict() for cost in self.costs],
            "withdrawn_costs": [cost.as_dict() for cost in self.withdrawn_costs],
            "claimed": json_decimal(self.estimate.claimed),
            "deductible": json_decimal(self.estimate.deductible),
            "cap": json_decimal(self.estimate.cap),
            "cut_by_policy_limit": json_decimal(self.estimate.cut_by_policy_limit),
            "estimated_indemnity": json_decimal(self.estimate.payable),
            "explanation": self.explanation,
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
                "ended_at": json_moment(record.ended_at),
                "ongoing": estimate.ongoing,
                "interruption_hours": json_decimal(estimate.interruption_hours),
                "indemnified_hours": json_decimal(estimate.indemnified_hours),
                "hourly_margin": json_decimal(estimate.hourly_margin),
                "lost_margin": json_decimal(estimate.lost_margin),
                "extra_costs": json_decimal(estimate.extra_costs),
                "loss": json_decimal(estimate.loss),
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
            "overall_limit": json_decimal(self.total.overall_limit),
            "total_claimed": json_decimal(self.total.total_claimed),
            "total_estimated_indemnity": json_decimal(self.total.total_payable),
            "conditions_missed": [condition.code for condition in self.missed_conditions],
            "explanation": self.total_explanation,
            "conditions": [condition.as_dict() for condition in self.conditions],
            "advice": [condition.as_dict() for condition in self.advice],
        }


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
