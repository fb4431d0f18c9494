"""One rule per item of a complete claim file, each present, missing or not required."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from broker.completeness import MISSING, NOT_REQUIRED, PRESENT, checklist
from coverage.models import BusinessInterruption, Cost, Guarantee
from incident_app.services.evidence import add_evidence

pytestmark = pytest.mark.django_db


def state(incident, key):
    return checklist(incident).get(key).state


def done(incident, key, reference=""):
    step = incident.steps.get(key=key)
    step.status, step.done_at, step.proof_reference = "done", timezone.now(), reference
    step.save()
    return step


def test_it_asks_for_the_complaint_receipt_until_it_is_recorded(incident):
    item = checklist(incident).get("complaint_receipt")
    assert item.state == MISSING
    assert item.url.endswith("/etapes/complaint/")
    done(incident, "complaint", "PV 2026/123")
    assert state(incident, "complaint_receipt") == PRESENT


def test_it_needs_no_data_protection_number_without_personal_data(incident):
    assert state(incident, "dpa_number") == MISSING
    incident.personal_data = "no"
    incident.save()
    assert state(incident, "dpa_number") == NOT_REQUIRED


def test_it_wants_the_numbers_not_just_a_done_step(incident):
    done(incident, "hotline")
    done(incident, "claim_declaration")
    assert state(incident, "assistance_file") == MISSING
    assert state(incident, "claim_number") == MISSING
    done(incident, "hotline", "ASS-1")
    done(incident, "claim_declaration", "SIN-42")
    assert state(incident, "assistance_file") == PRESENT
    assert state(incident, "claim_number") == PRESENT


def test_it_wants_an_invoice_for_every_cost(incident, manager, policy):
    assert state(incident, "invoices") == NOT_REQUIRED
    guarantee = policy.guarantees.get(kind=Guarantee.Kind.FORENSIC)
    cost = Cost.objects.create(
        incident=incident,
        guarantee=guarantee,
        supplier="CyberLab",
        incurred_on=date(2026, 11, 2),
        amount_excl_vat=Decimal("1000"),
        amount_incl_vat=Decimal("1200"),
        recorded_by=manager,
    )
    item = checklist(incident).get("invoices")
    assert item.state == MISSING and "CyberLab" in item.detail
    invoice = add_evidence(
        incident, SimpleUploadedFile("facture.pdf", b"%PDF-1.4 facture"), user=manager
    )
    cost.invoice = invoice
    cost.save()
    assert state(incident, "invoices") == PRESENT


def test_it_asks_for_interruption_figures_when_the_guarantee_is_triggered(
    incident, manager, policy
):
    assert state(incident, "business_interruption") == NOT_REQUIRED
    Guarantee.objects.create(
        policy=policy, kind=Guarantee.Kind.BUSINESS_INTERRUPTION, limit=Decimal("100000")
    )
    assert state(incident, "business_interruption") == MISSING
    BusinessInterruption.objects.create(
        incident=incident,
        started_at=incident.discovered_at,
        hourly_margin=Decimal("120"),
        updated_by=manager,
    )
    assert state(incident, "business_interruption") == PRESENT


def test_it_asks_each_kind_of_attack_for_its_evidence(incident, manager):
    assert state(incident, "ransom_note") == MISSING
    step = incident.steps.get(key="preserve_evidence")
    add_evidence(incident, SimpleUploadedFile("note.txt", b"PAY US"), user=manager, step=step)
    assert state(incident, "ransom_note") == PRESENT


def test_it_scores_the_required_items_present(incident):
    before = checklist(incident)
    done(incident, "complaint", "PV 1")
    after = checklist(incident)
    assert after.present_count == before.present_count + 1
    assert after.score == round(100 * after.present_count / len(after.required))
    assert after.score > before.score
