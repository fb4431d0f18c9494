"""Evidence quota per company, all incidents together, on top of the quota per incident."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incident_app.models import Evidence
from incident_app.services.evidence import add_evidence

pytestmark = pytest.mark.django_db


def test_it_refuses_a_file_over_the_company_quota_across_incidents(
    settings, client_for, manager, incident, other_incident, company, policy
):
    from datetime import timedelta

    from django.utils import timezone

    from incident_app.services.incidents import open_incident

    settings.EVIDENCE_QUOTA_BYTES = 100
    settings.EVIDENCE_COMPANY_QUOTA_BYTES = 150
    second = open_incident(
        company=company,
        policy=policy,
        kinds=["phishing"],
        discovered_at=timezone.now() - timedelta(hours=1),
        personal_data="no",
        declared_by=manager,
    )
    add_evidence(incident, SimpleUploadedFile("a.txt", b"a" * 90), user=manager)
    # Another company's files do not count against this one.
    add_evidence(other_incident, SimpleUploadedFile("b.txt", b"b" * 90), user=manager)
    response = client_for(manager).post(
        reverse("evidence_upload", args=[second.reference]),
        {"files": SimpleUploadedFile("c.txt", b"c" * 70)},
        HTTP_HX_REQUEST="true",
    )
    assert "tous incidents confondus" in response.text
    assert not Evidence.objects.filter(incident=second).exists()
    assert not second.journal.filter(kind="evidence_added").exists()
    # Under both quotas, it goes in.
    add_evidence(second, SimpleUploadedFile("d.txt", b"d" * 60), user=manager)
    assert Evidence.objects.filter(incident=second).count() == 1
