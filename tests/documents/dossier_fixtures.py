"""Fixtures of the claim dossier tests: private storage, the task's dispatch, a full incident."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from coverage.models import Cost, Guarantee
from coverage.services.recording import record_cost
from documents import tasks
from documents.services import dossier as dossier_service
from incident_app.services.evidence import add_evidence, withdraw_evidence
from incident_app.services.steps import complete_step

COMPLAINT_RECEIPT = "PV-2026-004217"


@pytest.fixture
def sent(monkeypatch):
    """The primary keys the rendering task was sent, instead of a broker."""
    calls = []
    monkeypatch.setattr(tasks.render_claim_dossier, "delay", calls.append)
    return calls


@pytest.fixture
def eventful_incident(incident, manager, member, private_storage):
    """A company on Réunion time (UTC+4) that filed its complaint, kept proofs, paid experts."""
    incident.company.timezone = "Indian/Reunion"
    incident.company.registration_number = "SIREN 123 456 789"
    incident.company.save()
    complaint = incident.steps.get(key="complaint")
    complete_step(
        complaint,
        user=manager,
        done_at=incident.discovered_at + timedelta(hours=1),
        proof_reference=COMPLAINT_RECEIPT,
    )
    kept = add_evidence(
        incident,
        SimpleUploadedFile("recepisse-plainte.txt", b"Recepisse de plainte " + b"x" * 100),
        user=manager,
        step=complaint,
        description="Récépissé du commissariat",
    )
    mistaken = add_evidence(
        incident, SimpleUploadedFile("vacances.txt", b"photos de vacances"), user=member
    )
    withdraw_evidence(mistaken, user=manager, reason="Déposé par erreur")
    record_cost(
        incident,
        user=manager,
        guarantee=incident.policy.guarantees.get(kind=Guarantee.Kind.FORENSIC),
        supplier="Experts IT Lyon",
        incurred_on=timezone.localdate(timezone.now(), incident.company.zone),
        amount_excl_vat=Decimal("1500"),
        amount_incl_vat=Decimal("1800"),
        counted=Cost.Counted.INCL_VAT,
    )
    incident.refresh_from_db()
    incident.kept_evidence = kept
    return incident


@pytest.fixture
def ready_dossier(eventful_incident, manager, sent):
    dossier, _created = dossier_service.request_dossier(eventful_incident, manager)
    return dossier_service.render_dossier(dossier.pk)


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of white space (line breaks, no-break spaces) as one."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_bytes(dossier) -> bytes:
    with dossier.file.open("rb") as handle:
        return handle.read()
