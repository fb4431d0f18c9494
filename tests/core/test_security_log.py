"""The security log: sign-ins, refusals, downloads and exports; who, what, when, from where."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import tasks
from core.models import SecurityEvent
from incident_app.services.evidence import add_evidence
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_records_a_failed_sign_in_with_the_address_typed(client, manager):
    response = client.post(
        reverse("login"),
        {"username": manager.email, "password": "not-" + PASSWORD},
        HTTP_USER_AGENT="Probe/1.0",
    )
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind="sign_in_failed")
    assert event.username == manager.email
    assert event.ip == "127.0.0.1"
    assert event.user_agent == "Probe/1.0"
    assert PASSWORD not in str(event.data)


def test_it_records_a_sign_in(client_for, manager):
    client_for(manager)
    assert SecurityEvent.objects.filter(kind="sign_in", user=manager).exists()


def test_it_records_a_refused_access_to_an_incident(client_for, outsider, incident):
    response = client_for(outsider).get(reverse("incident_detail", args=[incident.reference]))
    assert response.status_code == 404
    event = SecurityEvent.objects.get(kind="refused")
    assert (event.user, event.target) == (outsider, incident.reference)
    assert event.data == {"view": "incident_detail", "method": "GET"}
    assert event.path == f"/incidents/{incident.reference}/"


def test_it_does_not_log_a_page_seen_normally(client_for, manager, incident):
    client_for(manager).get(reverse("incident_detail", args=[incident.reference]))
    assert not SecurityEvent.objects.filter(kind="refused").exists()


def test_it_records_downloads_of_evidence(client_for, manager, incident):
    evidence = add_evidence(incident, SimpleUploadedFile("a.txt", b"abc"), user=manager)
    url = reverse("evidence_download", args=[incident.reference, evidence.pk])
    assert client_for(manager).get(url).status_code == 200
    event = SecurityEvent.objects.get(kind="download")
    assert event.user == manager
    assert event.target == incident.reference
    assert event.data == {"evidence": evidence.pk, "sha256": evidence.sha256}


def test_it_records_downloads_of_the_dossier(client_for, manager, ready_dossier):
    url = reverse("dossier_download", args=[ready_dossier.incident.reference, ready_dossier.pk])
    assert client_for(manager).get(url).status_code == 200
    event = SecurityEvent.objects.get(kind="download")
    assert event.data["dossier"] == ready_dossier.pk


def test_it_records_exports(client_for, auditor, incident):
    url = reverse("coverage_summary_json", args=[incident.reference])
    assert client_for(auditor).get(url).status_code == 200
    assert SecurityEvent.objects.filter(kind="export", user=auditor).exists()


def test_it_trusts_a_forwarded_address_only_when_told(settings, client, manager):
    data = {"username": manager.email, "password": "wrong"}
    client.post(reverse("login"), data, HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.RIPOSTE_TRUSTED_PROXIES = 1
    # The proxy appends the address it saw; what the client wrote further left is ignored.
    client.post(reverse("login"), data, HTTP_X_FORWARDED_FOR="10.6.6.6, 203.0.113.9")
    assert list(SecurityEvent.objects.order_by("pk").values_list("ip", flat=True)) == [
        "127.0.0.1",
        "203.0.113.9",
    ]


def test_it_purges_lines_past_their_time(settings):
    settings.RIPOSTE_SECURITY_LOG_DAYS = 30
    old = SecurityEvent.objects.create(kind="sign_in", at=timezone.now() - timedelta(days=31))
    recent = SecurityEvent.objects.create(kind="sign_in", at=timezone.now() - timedelta(days=29))
    assert tasks.purge_security_log() == 1
    assert tasks.purge_security_log() == 0
    assert list(SecurityEvent.objects.all()) == [recent]
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()


def test_it_shows_the_log_to_staff_only(client_for, staff, manager, outsider, incident):
    client_for(outsider).get(reverse("incident_detail", args=[incident.reference]))
    url = reverse("admin:core_securityevent_changelist")
    page = client_for(staff).get(url)
    assert page.status_code == 200
    assert incident.reference in page.text
    assert client_for(manager).get(url).status_code == 302
