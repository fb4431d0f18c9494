"""Outside experts: granted by the company's manager or the broker, for a limited time and
chosen parts; every page and download journaled; revocable; expired or revoked is a 404."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from incident_app.models import ExpertAccess, Incident
from incident_app.services.evidence import add_evidence

pytestmark = pytest.mark.django_db


def grants_url(incident):
    return reverse("expert_grants", args=[incident.reference])


def in_days(days):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def form(**overrides):
    data = {
        "name": "Léa Martin",
        "email": "lea@cyberlab.example",
        "firm": "CyberLab",
        "role": "forensic",
        "parts": ["journal", "evidence"],
        "expires_at": in_days(10),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["manager", "broker"])
def test_it_lets_the_manager_or_the_broker_let_an_expert_in(
    request, client_for, incident, who, mailoutbox, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(grants_url(incident), form())
    assert response.status_code == 302
    grant = ExpertAccess.objects.get()
    assert (grant.sees_journal, grant.sees_evidence, grant.sees_dossier) == (True, True, False)
    assert grant.expert.email == "lea@cyberlab.example"
    assert not grant.expert.has_usable_password()
    assert incident.journal.filter(kind="expert_granted", text__contains="Léa Martin").exists()
    assert mailoutbox[-1].to == ["lea@cyberlab.example"]
    assert reverse("expert_incident", args=[incident.reference]) in mailoutbox[-1].body


@pytest.mark.parametrize(
    "overrides",
    [
        {"parts": []},
        {"expires_at": in_days(-1)},
        {"expires_at": in_days(200)},
        {"email": "not-an-address"},
        {"email": "member@lefevre.example"},
        {"role": "wizard"},
    ],
)
def test_it_refuses_bad_input_and_lets_no_one_in(client_for, manager, member, incident, overrides):
    response = client_for(manager).post(grants_url(incident), form(**overrides))
    assert response.status_code == 400
    assert 'class="error"' in response.text or "message error" in response.text
    assert not ExpertAccess.objects.exists()


@pytest.mark.parametrize("who", ["member", "auditor", "other_broker", "outsider", "expert"])
def test_it_lets_no_one_else_grant_or_list(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(grants_url(incident)).status_code == 404
    assert client.post(grants_url(incident), form(email="x@y.example")).status_code == 404
    assert not ExpertAccess.objects.filter(expert__email="x@y.example").exists()


def test_it_revokes_at_once(client_for, manager, expert, expert_grant, incident):
    page = reverse("expert_journal", args=[incident.reference])
    assert client_for(expert).get(page).status_code == 200
    revoke = reverse("expert_revoke", args=[incident.reference, expert_grant.pk])
    assert client_for(manager).post(revoke).status_code == 302
    expert_grant.refresh_from_db()
    assert expert_grant.revoked_at is not None and expert_grant.revoked_by == manager
    assert incident.journal.filter(kind="expert_revoked").exists()
    assert client_for(expert).get(page).status_code == 404


def test_it_lets_no_one_else_revoke(client_for, member, expert, expert_grant, incident):
    revoke = reverse("expert_revoke", args=[incident.reference, expert_grant.pk])
    for user in (member, expert):
        assert client_for(user).post(revoke).status_code == 404
    expert_grant.refresh_from_db()
    assert expert_grant.revoked_at is None


@pytest.fixture
def receipt(incident, manager):
    return add_evidence(incident, SimpleUploadedFile("recepisse.pdf", b"%PDF-1.4 PV"), user=manager)


def expert_urls(incident, receipt):
    ref = incident.reference
    return {
        "expert_incident": reverse("expert_incident", args=[ref]),
        "expert_journal": reverse("expert_journal", args=[ref]),
        "expert_evidence": reverse("expert_evidence", args=[ref]),
        "expert_evidence_download": reverse("expert_evidence_download", args=[ref, receipt.pk]),
        "expert_dossier": reverse("expert_dossier", args=[ref]),
    }


def test_it_journals_every_page_and_download_an_expert_opens(client_for, expert, incident, receipt):
    client = client_for(expert)
    for name, address in expert_urls(incident, receipt).items():
        before = incident.journal.filter(kind="expert_viewed").count()
        response = client.get(address)
        assert response.status_code == 200, name
        assert incident.journal.filter(kind="expert_viewed").count() == before + 1, name
    download = incident.journal.filter(kind="expert_viewed", data__evidence=receipt.pk).get()
    assert "recepisse.pdf" in download.text and download.actor == expert


@pytest.mark.parametrize("who", ["expired_expert", "revoked_expert", "outsider", "other_broker"])
def test_it_is_not_found_without_a_current_grant(request, client_for, incident, receipt, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    for name, address in expert_urls(incident, receipt).items():
        assert client.get(address).status_code == 404, name
    assert not incident.journal.filter(kind="expert_viewed").exists()


def test_it_shows_an_expert_only_the_parts_granted(
    client_for, journal_only_expert, incident, receipt
):
    client = client_for(journal_only_expert)
    urls = expert_urls(incident, receipt)
    assert client.get(urls["expert_journal"]).status_code == 200
    for name in ("expert_evidence", "expert_evidence_download", "expert_dossier"):
        assert client.get(urls[name]).status_code == 404, name


def test_an_expert_sees_none_of_the_companys_own_pages(client_for, expert, incident, receipt):
    client = client_for(expert)
    for name, args in (
        ("incident_detail", [incident.reference]),
        ("journal_note", [incident.reference]),
        ("evidence_download", [incident.reference, receipt.pk]),
        ("coverage_summary", [incident.reference]),
        ("dossier_list", [incident.reference]),
        ("expert_grants", [incident.reference]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert not Incident.objects.visible_to(expert).exists()
    assert list(Incident.objects.visible_to(expert, part="journal")) == [incident]


def test_the_company_reads_the_expert_pages_without_journaling(
    client_for, manager, incident, receipt
):
    response = client_for(manager).get(reverse("expert_journal", args=[incident.reference]))
    assert response.status_code == 200
    assert not incident.journal.filter(kind="expert_viewed").exists()
