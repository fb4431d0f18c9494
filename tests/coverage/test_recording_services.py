"""record_cost, save_business_interruption, attest_condition: validated, saved, journaled."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coverage.models import BusinessInterruption, ConditionAttestation, Cost, Guarantee
from coverage.services.recording import attest_condition, record_cost, save_business_interruption
from incident_app.models import Evidence, JournalEntry, verify_chain

pytestmark = pytest.mark.django_db


def _record(incident, guarantee, user, **overrides):
    values = dict(
        user=user,
        guarantee=guarantee,
        supplier="Experts SAS",
        incurred_on=date(2026, 3, 2),
        amount_excl_vat=Decimal("1500"),
        amount_incl_vat=Decimal("1800"),
    )
    return record_cost(incident, **(values | overrides))


def test_it_records_a_cost_with_its_invoice_as_evidence(incident, guarantees, manager, pdf_invoice):
    cost = _record(incident, guarantees["forensic"], manager, invoice=pdf_invoice)
    assert cost.amount == Decimal("1500")
    evidence = Evidence.objects.get(pk=cost.invoice_id)
    assert evidence.incident == incident
    assert evidence.content_type == "application/pdf"
    assert len(evidence.sha256) == 64
    entry = JournalEntry.objects.filter(incident=incident, kind="cost_recorded").get()
    assert entry.data["invoice_sha256"] == evidence.sha256
    assert entry.data["amount_excl_vat"] == "1500.00"
    assert verify_chain(incident) is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_excl_vat": Decimal("-1")}, "amount_excl_vat"),
        ({"amount_incl_vat": Decimal("1000")}, "amount_incl_vat"),
        (
            {"amount_excl_vat": Decimal("6000000"), "amount_incl_vat": Decimal("7200000")},
            "amount_excl_vat",
        ),
        ({"supplier": "  "}, "supplier"),
        ({"incurred_on": date.today() + timedelta(days=3)}, "incurred_on"),
    ],
)
def test_it_refuses_bad_costs_and_changes_nothing(incident, guarantees, manager, overrides, field):
    entries = JournalEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        _record(incident, guarantees["forensic"], manager, **overrides)
    assert field in error.value.message_dict
    assert Cost.objects.count() == 0
    assert JournalEntry.objects.count() == entries


def test_it_refuses_an_amount_above_ten_times_the_overall_limit(
    incident, policy, guarantees, manager
):
    policy.overall_limit = Decimal("10000")
    policy.save()
    with pytest.raises(ValidationError) as error:
        _record(
            incident,
            guarantees["forensic"],
            manager,
            amount_excl_vat=Decimal("100001"),
            amount_incl_vat=Decimal("120000"),
        )
    assert "100\u202f000,00" in error.value.message_dict["amount_excl_vat"][0]


def test_it_refuses_a_guarantee_of_another_policy(incident, other_policy, manager):
    foreign = Guarantee.objects.create(policy=other_policy, kind="forensic")
    with pytest.raises(ValidationError) as error:
        _record(incident, foreign, manager)
    assert "ne comporte pas cette garantie" in error.value.message_dict["guarantee"][0]
    assert not Cost.objects.exists()


def test_it_refuses_an_invoice_that_is_not_a_document(
    incident, guarantees, manager, private_storage
):
    text = SimpleUploadedFile("facture.pdf", b"just some words", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        _record(incident, guarantees["forensic"], manager, invoice=text)
    assert "PDF" in error.value.message_dict["invoice"][0]
    assert not Cost.objects.exists()
    assert not Evidence.objects.exists()
    assert not private_storage.exists() or not any(private_storage.rglob("*.*"))


def test_it_records_and_corrects_a_business_interruption(incident, bi_guarantee, manager):
    now = timezone.now()
    start = now - timedelta(hours=10)
    save_business_interruption(
        incident, user=manager, started_at=start, ended_at=None, hourly_margin=Decimal("80")
    )
    save_business_interruption(
        incident,
        user=manager,
        started_at=start,
        ended_at=now,
        annual_margin=Decimal("200000"),
        operating_hours_per_year=2000,
    )
    record = BusinessInterruption.objects.get(incident=incident)
    assert (record.ended_at, record.hourly_margin, record.annual_margin) == (
        now,
        None,
        Decimal("200000"),
    )
    entries = JournalEntry.objects.filter(incident=incident, kind="cost_recorded")
    assert entries.count() == 2
    assert entries.last().data["before"]["hourly_margin"] == "80.00"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"ended_at": "before"}, "ended_at"),
        ({"hourly_margin": None}, "hourly_margin"),
        ({"annual_margin": Decimal("1000")}, "annual_margin"),
        ({"started_at": "future"}, "started_at"),
        ({"hourly_margin": Decimal("200000000")}, "hourly_margin"),
    ],
)
def test_it_refuses_a_bad_interruption_and_changes_nothing(
    incident, bi_guarantee, manager, values, field
):
    now = timezone.now()
    arguments = dict(
        user=manager, started_at=now - timedelta(hours=5), ended_at=None, hourly_margin=Decimal(50)
    )
    arguments |= values
    if arguments["ended_at"] == "before":
        arguments["ended_at"] = arguments["started_at"] - timedelta(hours=1)
    if arguments["started_at"] == "future":
        arguments["started_at"] = now + timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        save_business_interruption(incident, **arguments)
    assert field in error.value.message_dict
    assert not BusinessInterruption.objects.exists()


def test_it_refuses_an_interruption_without_the_guarantee(incident, manager):
    with pytest.raises(ValidationError, match="pertes d'exploitation"):
        save_business_interruption(
            incident,
            user=manager,
            started_at=timezone.now() - timedelta(hours=2),
            ended_at=None,
            hourly_margin=Decimal(50),
        )


def test_it_attests_a_condition_once_and_journals_it(incident, guarantees, manager):
    guarantee = guarantees["forensic"]
    guarantee.conditions = "Double validation des virements."
    guarantee.save()
    attest_condition(incident, guarantee, user=manager, statement="Procédure écrite de 2025")
    with pytest.raises(ValidationError, match="déjà été attestée"):
        attest_condition(incident, guarantee, user=manager)
    assert ConditionAttestation.objects.count() == 1
    entry = JournalEntry.objects.filter(incident=incident, kind="note").last()
    assert entry.data["condition_attested"] == "forensic"


def test_it_refuses_to_attest_a_guarantee_without_conditions(incident, guarantees, manager):
    with pytest.raises(ValidationError):
        attest_condition(incident, guarantees["assistance"], user=manager)
    assert not ConditionAttestation.objects.exists()
