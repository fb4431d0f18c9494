"""The complaint condition reads the rule of the incident's playbook, chosen by the company's
country: a Luxembourg company insured under French law gets one answer everywhere."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage.models import Policy
from coverage.services.conditions import complaint_rule
from coverage.services.summary import coverage_summary
from documents.services.contents import compliance_rows
from incident_app.services.incidents import open_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_law_incident(other_company, broker_org, insurer, outsider):
    policy = Policy.objects.create(
        company=other_company,
        broker=broker_org,
        insurer=insurer,
        number="FR-LAW-1",
        starts_on=date(2026, 1, 1),
        jurisdiction="FR",
        hotline="+33 1 80 40 12 34",
    )
    return open_incident(
        company=other_company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=timezone.now() - timedelta(hours=2),
        personal_data="no",
        declared_by=outsider,
    )


def test_it_takes_the_luxembourg_playbook_rule_whatever_law_the_policy_names(
    french_law_incident,
):
    incident = french_law_incident
    complaint = incident.steps.get(key="complaint")
    rule = complaint_rule(incident, complaint)
    assert (rule["amount"], rule["advisory"], rule["indemnity_condition"]) == (72, True, False)
    # Without the step, the playbook is read again: the same rule.
    assert complaint_rule(incident)["advisory"] is True


def test_it_gives_one_answer_on_the_cover_the_dossier_and_the_page(
    french_law_incident, client_for, outsider
):
    incident = french_law_incident
    complaint = incident.steps.get(key="complaint")
    summary = coverage_summary(incident)
    assert "complaint_72h" not in [c.code for c in summary.conditions]
    assert [c.code for c in summary.advice] == ["complaint_72h"]
    assert summary.advice[0].due_at == complaint.due_at
    assert summary.advice[0].title.startswith("Plainte déposée dans les 72 h")
    row = next(
        r
        for r in compliance_rows(incident, timezone.now(), "fr")
        if r.title == complaint.text("title")
    )
    assert row.indemnity_condition is False
    response = client_for(outsider).get(
        reverse("incident_detail", args=[incident.reference]), {"step": "complaint"}
    )
    assert response.context["current"].indemnity_condition is False


def test_it_keeps_the_french_complaint_a_condition_of_the_cover(incident):
    summary = coverage_summary(incident)
    assert summary.conditions[0].code == "complaint_72h"
    assert not summary.conditions[0].advisory
    assert summary.conditions[0].source == (
        "Code des assurances, art. L12-10-1 (loi n° 2023-22 du 24 janvier 2023, LOPMI ; en "
        "vigueur le 24 avril 2023)"
    )
