"""Coverage fixtures: evidence files go to a temporary folder, a French incident four days old."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coverage.models import Guarantee

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def pdf_invoice():
    return SimpleUploadedFile("facture-expert.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def bi_guarantee(policy):
    return Guarantee.objects.create(
        policy=policy,
        kind=Guarantee.Kind.BUSINESS_INTERRUPTION,
        limit=Decimal("100000"),
        waiting_period_hours=8,
        waiting_mode=Guarantee.WaitingMode.BEYOND,
        indemnity_period_days=30,
    )


@pytest.fixture
def guarantees(policy):
    return {g.kind: g for g in policy.guarantees.all()}


@pytest.fixture
def old_incident(company, policy, manager):
    """A French ransomware attack discovered 100 hours ago: the 72 h have run out."""
    from incident_app.services.incidents import open_incident

    return open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=timezone.now() - timedelta(hours=100),
        personal_data="no",
        declared_by=manager,
    )
