"""Outside experts with a current, an expired and a revoked grant on the incident."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incident_app.models import ExpertAccess
from tests.conftest import make_user


def _grant(
    incident,
    granted_by,
    email,
    *,
    expires_in,
    revoked=False,
    parts=("journal", "evidence", "dossier"),
):
    user = make_user(email, first_name="Expert")
    now = timezone.now()
    return ExpertAccess.objects.create(
        incident=incident,
        expert=user,
        name=f"Expert {email.split('@')[0]}",
        role=ExpertAccess.Role.FORENSIC,
        sees_journal="journal" in parts,
        sees_evidence="evidence" in parts,
        sees_dossier="dossier" in parts,
        granted_by=granted_by,
        granted_at=now - timedelta(days=2),
        expires_at=now + expires_in,
        revoked_at=now - timedelta(hours=1) if revoked else None,
    )


@pytest.fixture
def expert_grant(incident, manager):
    return _grant(incident, manager, "forensic@cyberlab.example", expires_in=timedelta(days=5))


@pytest.fixture
def expert(expert_grant):
    """An outside expert with a current grant on the incident (journal, evidence, dossier)."""
    return expert_grant.expert


@pytest.fixture
def expired_expert(incident, manager):
    return _grant(incident, manager, "late@cyberlab.example", expires_in=-timedelta(hours=1)).expert


@pytest.fixture
def revoked_expert(incident, manager):
    return _grant(
        incident, manager, "revoked@cyberlab.example", expires_in=timedelta(days=5), revoked=True
    ).expert


@pytest.fixture
def journal_only_expert(incident, manager):
    return _grant(
        incident,
        manager,
        "lawyer@avocats.example",
        expires_in=timedelta(days=5),
        parts=("journal",),
    ).expert
