"""coverage_summary: what applies, the estimates, and the conditions that protect the cover."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coverage.models import BusinessInterruption, Guarantee
from coverage.services.conditions import Status
from coverage.services.recording import attest_condition, record_cost
from coverage.services.summary import coverage_summary
from incident_app.services.steps import complete_step, mark_not_applicable

pytestmark = pytest.mark.django_db


def _cost(incident, guarantee, amount, user, day=date(2026, 3, 2), **extra):
    return record_cost(
        incident,
        user=user,
        guarantee=guarantee,
        supplier="Experts SAS",
        incurred_on=day,
        amount_excl_vat=Decimal(amount),
        amount_incl_vat=Decimal(amount) * Decimal("1.2"),
        **extra,
    )


def test_it_shows_the_triggered_guarantees_the_policy_has(incident):
    summary = coverage_summary(incident)
    # Ransomware triggers restoration, business interruption and ransom negotiation too, but
    # this policy has only assistance, forensic and restoration.
    assert [g.kind for g in summary.guarantees] == ["assistance", "forensic", "restoration"]
    assert all(g.triggered for g in summary.guarantees)
    assert summary.guarantees[0].pays.startswith("Paie la ligne d'assistance")
    assert summary.total.total_payable == 0


def test_it_adds_a_guarantee_with_costs_even_when_not_triggered(incident, policy, manager):
    fraud = Guarantee.objects.create(policy=policy, kind="cyber_fraud", limit=Decimal("10000"))
    _cost(incident, fraud, "500", manager)
    kinds = {g.kind: g for g in coverage_summary(incident).guarantees}
    assert kinds["cyber_fraud"].triggered is False
    assert kinds["cyber_fraud"].estimate.payable == Decimal("500")


def test_it_applies_deductibles_limits_and_the_overall_limit(incident, policy, guarantees, manager):
    Guarantee.objects.filter(pk=guarantees["forensic"].pk).update(deductible_amount=Decimal("1000"))
    policy.overall_limit = Decimal("51000")
    policy.save()
    _cost(incident, guarantees["forensic"], "3000", manager, day=date(2026, 3, 1))
    _cost(incident, guarantees["restoration"], "60000", manager, day=date(2026, 3, 2))
    summary = coverage_summary(incident)
    by_kind = {g.kind: g for g in summary.guarantees}
    assert by_kind["forensic"].estimate.payable == Decimal("2000")
    # Restoration: 60 000 capped at its 50 000 limit, then cut to what is left of 51 000.
    assert by_kind["restoration"].estimate.payable == Decimal("49000")
    assert by_kind["restoration"].estimate.cut_by_policy_limit == Decimal("1000")
    assert summary.total.total_payable == Decimal("51000")
    assert any("Plafond global" in line for line in summary.total_explanation)


def test_it_counts_the_amount_the_cost_says(incident, guarantees, manager):
    _cost(incident, guarantees["assistance"], "100", manager, counted="incl_vat")
    assert coverage_summary(incident).total.total_payable == Decimal("120.00")


def test_it_estimates_an_ongoing_business_interruption_at_now(incident, bi_guarantee, manager):
    start = timezone.now() - timedelta(hours=20)
    BusinessInterruption.objects.create(
        incident=incident, started_at=start, hourly_margin=Decimal("100"), updated_by=manager
    )
    summary = coverage_summary(incident, now=start + timedelta(hours=20))
    bi = {g.kind: g for g in summary.guarantees}["business_interruption"]
    # 20 h minus the 8 h waiting period, at 100 € an hour.
    assert summary.interruption_estimate.ongoing
    assert bi.estimate.payable == Decimal("1200")
    later = coverage_summary(incident, now=start + timedelta(hours=30))
    assert later.total.total_payable == Decimal("2200")


def test_it_serialises_to_json_with_amounts_as_strings(incident, guarantees, manager):
    _cost(incident, guarantees["forensic"], "1234.5", manager)
    data = coverage_summary(incident, lang="en").as_dict()
    json.dumps(data)
    forensic = next(g for g in data["guarantees"] if g["kind"] == "forensic")
    assert forensic["estimated_indemnity"] == "1234.50"
    assert forensic["label"] == "IT experts (forensics)"
    assert data["total_estimated_indemnity"] == "1234.50"
    assert data["conditions"][0]["due_at"] == incident.steps.get(key="complaint").due_at.isoformat()


# --- conditions -------------------------------------------------------------------------------


def _complaint(incident):
    return incident.steps.get(key="complaint")


def test_it_says_the_french_complaint_is_not_yet_filed_within_72_hours(incident):
    summary = coverage_summary(incident)
    complaint = summary.conditions[0]
    assert complaint.code == "complaint_72h"
    assert complaint.status == Status.NOT_YET
    assert not complaint.advisory
    assert "L12-10-1" in complaint.source
    assert complaint.due_at == incident.discovered_at + timedelta(hours=72)


def test_it_says_the_complaint_filed_at_71_hours_is_met(old_incident, manager):
    done_at = old_incident.discovered_at + timedelta(hours=71)
    complete_step(
        _complaint(old_incident), user=manager, done_at=done_at, proof_reference="PV 2026/4512"
    )
    complaint = coverage_summary(old_incident).conditions[0]
    assert complaint.status == Status.MET
    assert complaint.done_at == done_at
    assert complaint.proof_reference == "PV 2026/4512"


def test_it_says_the_complaint_filed_at_73_hours_is_missed(old_incident, manager):
    done_at = old_incident.discovered_at + timedelta(hours=73)
    complete_step(_complaint(old_incident), user=manager, done_at=done_at)
    assert coverage_summary(old_incident).conditions[0].status == Status.MISSED


def test_it_says_a_complaint_never_filed_after_72_hours_is_missed(old_incident):
    assert coverage_summary(old_incident).conditions[0].status == Status.MISSED


def test_it_shows_a_complaint_marked_not_applicable_with_its_reason(old_incident, manager):
    mark_not_applicable(_complaint(old_incident), user=manager, reason="Fraude sans intrusion")
    complaint = coverage_summary(old_incident).conditions[0]
    assert complaint.status == Status.NOT_APPLICABLE
    assert complaint.note == "Fraude sans intrusion"


def test_it_shows_the_luxembourg_complaint_as_advice_only(other_incident):
    summary = coverage_summary(other_incident)
    assert [c.code for c in summary.conditions] == ["claim_declaration"]
    assert [c.code for c in summary.advice] == ["complaint_72h"]
    assert summary.advice[0].advisory
    assert "L12-10-1" not in summary.advice[0].title


def test_it_follows_the_claim_declaration_step(old_incident, manager):
    step = old_incident.steps.get(key="claim_declaration")
    complete_step(step, user=manager, proof_reference="SIN-42")
    declaration = coverage_summary(old_incident).conditions[1]
    assert declaration.code == "claim_declaration"
    assert declaration.status == Status.MET
    assert declaration.proof_reference == "SIN-42"
    assert "L113-2" in declaration.source


def test_it_asks_to_confirm_a_guarantee_condition_until_it_is_attested(
    incident, guarantees, manager
):
    Guarantee.objects.filter(pk=guarantees["forensic"].pk).update(
        conditions="Sauvegardes hors ligne hebdomadaires."
    )
    condition = coverage_summary(incident).conditions[-1]
    assert (condition.title, condition.status) == (
        "Sauvegardes hors ligne hebdomadaires.",
        Status.TO_CONFIRM,
    )
    attest_condition(incident, guarantees["forensic"], user=manager, statement="Bandes du 1er")
    condition = coverage_summary(incident).conditions[-1]
    assert condition.status == Status.MET
    assert condition.attested_by == manager.display_name
    assert condition.note == "Bandes du 1er"


def test_it_says_not_yet_at_the_exact_due_moment_and_met_when_filed_then(incident, manager):
    complaint = _complaint(incident)
    due = complaint.due_at
    assert coverage_summary(incident, now=due).conditions[0].status == Status.NOT_YET
    assert coverage_summary(incident, now=due + timedelta(seconds=1)).conditions[0].status == (
        Status.MISSED
    )
    complete_step(complaint, user=manager, done_at=due, now=due, proof_reference="PV 1")
    later = due + timedelta(days=1)
    assert coverage_summary(incident, now=later).conditions[0].status == Status.MET
