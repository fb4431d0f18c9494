"""Rendering the claim dossier: a real PDF in the company's language and zone, hashed and
journaled, claimed once, and a clear failure when it cannot be made."""

import hashlib
import io
import re
import zoneinfo
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from documents import tasks
from documents.models import ClaimDossier
from documents.services import dossier as dossier_service
from incident_app.models import Incident, JournalEntry, Membership
from incident_app.services import sweep as sweep_service

from .dossier_fixtures import COMPLAINT_RECEIPT, pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db


def test_it_renders_a_pdf_with_the_claim_in_french(ready_dossier, eventful_incident):
    assert ready_dossier.status == ClaimDossier.Status.READY
    assert ready_dossier.progress == 100
    assert ready_dossier.file.name == f"dossiers/{eventful_incident.reference}-v1.pdf"
    data = pdf_bytes(ready_dossier)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    # A4 in points: the print stylesheet was found and applied.
    assert round(float(reader.pages[0].mediabox.width)) == 595
    assert round(float(reader.pages[0].mediabox.height)) == 842
    text = pdf_text(data)
    assert "Dossier de sinistre" in text
    assert eventful_incident.reference in text
    assert "Menuiserie Lefèvre" in text
    assert "SIREN 123 456 789" in text
    assert "HZ-1" in text
    assert "Horizon Assurances" in text and "Durand Courtage" in text
    assert "Les délais : échéance et réalisation de chaque étape" in text
    assert "Porter plainte" in text and COMPLAINT_RECEIPT in text
    assert "Dans le délai" in text
    assert "Code des assurances, art. L12-10-1" in text
    assert "1 800,00 €" in text
    assert "Inventaire des preuves" in text
    assert "Vérification du journal : chaîne intacte." in text
    # The footer carries the reference and the page number on every page but the cover.
    assert f"{eventful_incident.reference} · Dossier de sinistre v1 · 2 / {len(reader.pages)}" in (
        text
    )


def test_it_shows_deadlines_in_the_company_zone(ready_dossier, eventful_incident):
    complaint = eventful_incident.steps.get(key="complaint")
    reunion = zoneinfo.ZoneInfo("Indian/Reunion")
    due = complaint.due_at.astimezone(reunion).strftime("%d/%m/%Y %H:%M")
    done = complaint.done_at.astimezone(reunion).strftime("%d/%m/%Y %H:%M")
    paris_due = complaint.due_at.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    text = pdf_text(pdf_bytes(ready_dossier))
    assert re.search(rf"Porter plainte [^/]*{re.escape(due)} {re.escape(done)}", text)
    assert paris_due.strftime("%d/%m/%Y %H:%M") not in text
    assert "Heures du fuseau Indian/Reunion" in text


def test_it_lists_evidence_with_hashes_and_withdrawals(ready_dossier, eventful_incident):
    text = pdf_text(pdf_bytes(ready_dossier))
    compact = text.replace(" ", "")
    for evidence in eventful_incident.evidence.all():
        assert evidence.sha256 in compact
    assert "recepisse-plainte.txt" in text and "Récépissé du commissariat" in text
    assert "vacances.txt" in text and "Déposé par erreur" in text


def test_it_journals_the_hash_of_the_file(ready_dossier, eventful_incident):
    data = pdf_bytes(ready_dossier)
    digest = hashlib.sha256(data).hexdigest()
    assert ready_dossier.sha256 == digest
    entry = eventful_incident.journal.order_by("-seq").first()
    assert entry.kind == JournalEntry.Kind.DOSSIER_GENERATED
    assert digest in entry.text
    assert entry.data["sha256"] == digest and entry.data["version"] == 1


def test_it_writes_english_for_an_english_company(eventful_incident, manager, sent):
    eventful_incident.company.language = "en"
    eventful_incident.company.save()
    dossier, _ = dossier_service.request_dossier(eventful_incident, manager)
    text = pdf_text(pdf_bytes(dossier_service.render_dossier(dossier.pk)))
    assert "Claim file" in text
    assert "Evidence inventory" in text
    assert "€1,800.00" in text
    assert "Dossier de sinistre" not in text


def test_it_says_when_the_journal_was_tampered_with(eventful_incident, manager, sent):
    # Rewrite an entry behind the model's back, as someone with database access could.
    entry = eventful_incident.journal.order_by("seq").first()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incident_app_journalentry SET text = %s WHERE id = %s", ["falsifié", entry.pk]
        )
    dossier, _ = dossier_service.request_dossier(eventful_incident, manager)
    text = pdf_text(pdf_bytes(dossier_service.render_dossier(dossier.pk)))
    assert "Vérification du journal : chaîne rompue." in text
    assert f"L'entrée n° {entry.seq}" in text


def test_it_renders_a_ready_dossier_only_once(ready_dossier, eventful_incident):
    entries = eventful_incident.journal.count()
    assert dossier_service.render_dossier(ready_dossier.pk) is None
    assert tasks.render_claim_dossier.run(ready_dossier.pk) is False
    ready_dossier.refresh_from_db()
    assert ready_dossier.status == ClaimDossier.Status.READY
    assert eventful_incident.journal.count() == entries


def test_it_lets_one_worker_claim_a_dossier(incident, manager, sent, private_storage):
    dossier, _ = dossier_service.request_dossier(incident, manager)
    assert dossier_service.claim(dossier.pk) is True
    assert dossier_service.claim(dossier.pk) is False
    dossier.refresh_from_db()
    assert dossier.status == ClaimDossier.Status.RENDERING
    assert dossier.started_at is not None


def test_it_takes_over_a_rendering_abandoned_by_a_dead_worker(
    incident, manager, sent, private_storage
):
    dossier, _ = dossier_service.request_dossier(incident, manager)
    assert dossier_service.claim(dossier.pk)
    later = dossier.requested_at + dossier_service.STALE_RENDERING * 2
    assert dossier_service.claim(dossier.pk, now=later) is True


def test_it_marks_a_failed_rendering_and_keeps_no_file(
    incident, manager, sent, private_storage, monkeypatch
):
    def broken(html, **options):
        raise ValueError("the PDF engine choked")

    monkeypatch.setattr(dossier_service, "write_pdf", broken)
    dossier, _ = dossier_service.request_dossier(incident, manager)
    entries = incident.journal.count()
    assert tasks.render_claim_dossier.run(dossier.pk) is False
    dossier.refresh_from_db()
    assert dossier.status == ClaimDossier.Status.FAILED
    assert "the PDF engine choked" in dossier.error
    assert not dossier.file
    assert not list(private_storage.glob("dossiers/*"))
    assert incident.journal.count() == entries


def test_it_retries_a_passing_database_failure(
    incident, manager, sent, private_storage, monkeypatch
):
    from django.db import OperationalError

    def gone(html, **options):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(dossier_service, "write_pdf", gone)
    dossier, _ = dossier_service.request_dossier(incident, manager)
    result = tasks.render_claim_dossier.apply(args=[dossier.pk])
    # Each attempt hands the dossier back for the next; the last one records the failure.
    assert isinstance(result.result, OperationalError)
    dossier.refresh_from_db()
    assert dossier.status == ClaimDossier.Status.FAILED
    assert "server closed the connection" in dossier.error


def test_it_declares_its_limits():
    task = tasks.render_claim_dossier
    assert task.acks_late is True
    assert task.time_limit == dossier_service.RENDER_TIME_LIMIT_SECONDS
    assert task.soft_time_limit < task.time_limit


def test_it_renders_the_demo_clinic(private_storage, sent, django_capture_on_commit_callbacks):
    call_command("seed_demo")
    clinic = Incident.objects.get(reference="RIP-DEMO-0001")
    manager = Membership.objects.get(organisation=clinic.company, role="manager").user
    with django_capture_on_commit_callbacks(execute=True):
        dossier, _ = dossier_service.request_dossier(clinic, manager)
    assert sent == [dossier.pk]
    rendered = dossier_service.render_dossier(dossier.pk)
    text = pdf_text(pdf_bytes(rendered))
    assert "RIP-DEMO-0001" in text
    assert clinic.company.name in text
    assert "Notifier la violation de données à la CNPD" in text
    assert "Vérification du journal : chaîne intacte." in text
    for cost in clinic.costs.all():
        assert cost.supplier in text


def test_the_sweep_sends_again_a_dossier_whose_message_was_lost(
    incident, manager, sent, private_storage
):
    dossier, _ = dossier_service.request_dossier(incident, manager)
    sent.clear()
    # Just asked: its message may still be on its way.
    assert dossier_service.resume_stuck(now=dossier.requested_at) == 0
    later = dossier.requested_at + dossier_service.STALE_PENDING * 2
    assert sweep_service.run_sweep(now=later).dossiers_resumed == 1
    assert sent == [dossier.pk]


def test_the_sweep_sends_again_a_rendering_abandoned_by_a_dead_worker(
    incident, manager, sent, private_storage
):
    dossier, _ = dossier_service.request_dossier(incident, manager)
    assert dossier_service.claim(dossier.pk, now=dossier.requested_at)
    sent.clear()
    assert dossier_service.resume_stuck(now=dossier.requested_at + timedelta(seconds=30)) == 0
    later = dossier.requested_at + dossier_service.STALE_RENDERING * 2
    assert dossier_service.resume_stuck(now=later) == 1
    assert sent == [dossier.pk]
    # The run sent again takes it over and finishes it.
    assert dossier_service.render_dossier(dossier.pk, now=later).status == "ready"


def test_the_sweep_gives_up_a_rendering_that_keeps_dying(incident, manager, sent, private_storage):
    dossier, _ = dossier_service.request_dossier(incident, manager)
    moment = dossier.requested_at
    for _attempt in range(dossier_service.MAX_ATTEMPTS):
        # Each claim's worker dies: the next one finds it abandoned.
        assert dossier_service.claim(dossier.pk, now=moment)
        moment += dossier_service.STALE_RENDERING * 2
    dossier.refresh_from_db()
    assert dossier.attempts == dossier_service.MAX_ATTEMPTS
    sent.clear()
    assert dossier_service.resume_stuck(now=moment) == 0
    assert sent == []
    dossier.refresh_from_db()
    assert dossier.status == ClaimDossier.Status.FAILED
    assert f"after {dossier_service.MAX_ATTEMPTS} attempts" in dossier.error


def test_it_says_when_the_end_of_the_journal_was_removed(eventful_incident, manager, sent):
    last = eventful_incident.journal.order_by("-seq").first()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incident_app_journalentry WHERE id = %s", [last.pk])
    dossier, _ = dossier_service.request_dossier(eventful_incident, manager)
    text = pdf_text(pdf_bytes(dossier_service.render_dossier(dossier.pk)))
    assert "Vérification du journal : chaîne rompue." in text
    assert f"n° {last.seq}, manque" in text
    assert "chaîne intacte" not in text


def test_it_warns_beside_the_estimate_when_the_complaint_was_late(
    company, policy, manager, sent, private_storage
):
    from incident_app.services.incidents import open_incident

    late = open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=timezone.now() - timedelta(hours=100),
        personal_data="no",
        declared_by=manager,
    )
    dossier, _ = dossier_service.request_dossier(late, manager)
    text = pdf_text(pdf_bytes(dossier_service.render_dossier(dossier.pk)))
    estimate = text.split("Indemnité estimée")[1]
    assert "Une condition de la garantie n'a pas été remplie" in estimate


def test_the_sweep_waits_out_the_retry_of_a_released_dossier(
    incident, manager, sent, private_storage
):
    from django.db import OperationalError

    dossier, _ = dossier_service.request_dossier(incident, manager)
    # Claimed long after it was asked for, then handed back for the task's retry.
    moment = dossier.requested_at + dossier_service.STALE_PENDING * 3
    assert dossier_service.claim(dossier.pk, now=moment)
    dossier_service.release(dossier.pk, OperationalError("gone"), now=moment)
    sent.clear()
    # The retry is on its way: the sweep leaves it alone.
    assert dossier_service.resume_stuck(now=moment + timedelta(seconds=30)) == 0
    assert sent == []
    # Its message lost after all: the sweep sends it again.
    later = moment + dossier_service.STALE_PENDING + timedelta(seconds=1)
    assert dossier_service.resume_stuck(now=later) == 1
    assert sent == [dossier.pk]


def test_the_sweep_does_not_give_up_a_dossier_handed_back_for_retries(
    incident, manager, sent, private_storage
):
    from django.db import OperationalError

    dossier, _ = dossier_service.request_dossier(incident, manager)
    moment = dossier.requested_at
    for _retry in range(dossier_service.MAX_ATTEMPTS):
        assert dossier_service.claim(dossier.pk, now=moment)
        dossier_service.release(dossier.pk, OperationalError("gone"), now=moment)
        moment += timedelta(seconds=10)
    sent.clear()
    later = moment + dossier_service.STALE_PENDING * 2
    assert dossier_service.resume_stuck(now=later) == 1
    assert sent == [dossier.pk]
    dossier.refresh_from_db()
    assert dossier.status == ClaimDossier.Status.PENDING
    assert dossier.attempts == 0
