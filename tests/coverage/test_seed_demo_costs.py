"""The clinic example in the demo: three costs and the indemnity the policy's terms give."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from coverage.models import Cost
from coverage.services.summary import coverage_summary
from incident_app.models import Incident

pytestmark = pytest.mark.django_db


def test_it_seeds_the_clinic_example_once_with_its_indemnity():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    clinic = Incident.objects.get(reference="RIP-DEMO-0001")
    costs = {c.guarantee.kind: c.amount for c in Cost.objects.filter(incident=clinic)}
    assert costs == {
        "assistance": Decimal("720"),
        "forensic": Decimal("1800"),
        "restoration": Decimal("10000"),
    }
    summary = coverage_summary(clinic)
    # HZ-LU-MED-2026-0042: no deductible on these three guarantees, limits far above.
    assert summary.total.total_claimed == Decimal("12520")
    assert summary.total.total_payable == Decimal("12520")
    assert summary.as_dict()["total_estimated_indemnity"] == "12520.00"
    assert [c.code for c in summary.advice] == ["complaint_72h"]


def test_it_prints_the_clinic_summary_with_the_command():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("coverage_summary", "RIP-DEMO-0001", stdout=out)
    assert "Indemnité estimée totale : 12\u202f520,00\u00a0€" in out.getvalue()
