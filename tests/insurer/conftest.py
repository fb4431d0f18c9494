"""A small portfolio with every verdict: kept, kept at the very second, late, overdue, open."""

from datetime import date, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from coverage.models import Policy
from incident_app.models import Step
from incident_app.services.incidents import open_incident


def set_step(incident, key, **fields):
    Step.objects.filter(incident=incident, key=key).update(**fields)


@pytest.fixture
def second_policy(insurer, other_broker_org, db):
    """A policy of the same insurer placed by another broker, for a Luxembourg practice."""
    from incident_app.models import Organisation

    practice = Organisation.objects.create(
        name="Cabinet Weber", kind="company", country="LU", timezone="Europe/Luxembourg"
    )
    return Policy.objects.create(
        company=practice,
        broker=other_broker_org,
        insurer=insurer,
        number="HZ-2",
        starts_on=date(2026, 1, 1),
        jurisdiction="LU",
        hotline="+352 4761-4444",
    )


@pytest.fixture
def portfolio(incident, other_incident, second_policy, manager):
    """``incident`` (FR, ransomware, broker Durand): complaint done exactly at its deadline,
    data-protection notification one second late, claim declaration overdue.
    ``second`` (LU, phishing, other broker, 40 days ago): complaint done 10 h after discovery.
    ``other_incident`` belongs to another insurer."""
    now = timezone.now()
    set_step(incident, "complaint", status="done", done_at=F("due_at"))
    set_step(
        incident, "dpa_notification", status="done", done_at=F("due_at") + timedelta(seconds=1)
    )
    set_step(incident, "claim_declaration", due_at=now - timedelta(minutes=1))
    second = open_incident(
        company=second_policy.company,
        policy=second_policy,
        kinds=["phishing"],
        discovered_at=now - timedelta(days=40),
        personal_data="no",
        declared_by=manager,
    )
    set_step(second, "complaint", status="done", done_at=second.discovered_at + timedelta(hours=10))
    set_step(other_incident, "complaint", status="done", done_at=F("due_at") + timedelta(days=1))
    return {"incident": incident, "second": second, "other": other_incident, "now": now}
