"""Requests to the client as a service: asked, answered with files that become evidence,
accepted or sent back; journaled and told to the other side; reminders from the sweep."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from broker import requests as service
from broker.models import ClaimSummary, ClientRequest
from incident_app.models import JournalEntry, Notification
from incident_app.services.sweep import run_sweep

pytestmark = pytest.mark.django_db

RECEIPT = b"%PDF-1.4 recepisse de plainte PV 2026/123"


@pytest.fixture
def asked(incident, broker, manager):
    return service.ask(
        incident,
        user=broker,
        item="complaint_receipt",
        title="",
        details="Le récépissé du commissariat",
        due_at=timezone.now() + timedelta(days=3),
    )


def test_it_asks_journals_and_tells_the_managers(asked, incident, manager):
    assert asked.title == "Récépissé de plainte"
    assert asked.status == ClientRequest.Status.ASKED
    entry = incident.journal.order_by("-seq").first()
    assert entry.kind == JournalEntry.Kind.REQUEST_SENT
    assert "Récépissé de plainte" in entry.text
    told = Notification.objects.filter(user=manager, incident=incident)
    assert {n.channel for n in told} == {"in_app", "email"}
    assert "votre courtier vous demande" in told.first().subject
    assert ClaimSummary.objects.get(incident=incident).open_requests == 1


def test_it_refuses_a_due_date_in_the_past(incident, broker):
    with pytest.raises(ValidationError):
        service.ask(
            incident,
            user=broker,
            item="",
            title="Factures",
            details="",
            due_at=timezone.now() - timedelta(hours=1),
        )
    assert not ClientRequest.objects.exists()


def test_it_keeps_answer_files_as_evidence_of_the_items_step(asked, incident, manager, broker):
    upload = SimpleUploadedFile("recepisse.pdf", RECEIPT, content_type="application/pdf")
    answered = service.answer(asked, user=manager, text="Déposée hier", files=[upload])
    assert answered.status == ClientRequest.Status.ANSWERED
    evidence = answered.evidence.get()
    assert evidence.sha256 == hashlib.sha256(RECEIPT).hexdigest()
    assert evidence.step.key == "complaint"
    kinds = list(incident.journal.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == [JournalEntry.Kind.EVIDENCE_ADDED, JournalEntry.Kind.REQUEST_ANSWERED]
    assert Notification.objects.filter(user=broker, subject__contains="à vérifier").exists()
    assert ClaimSummary.objects.get(incident=incident).answered_requests == 1


def test_it_refuses_an_empty_answer(asked, manager):
    with pytest.raises(ValidationError):
        service.answer(asked, user=manager, text="  ")
    asked.refresh_from_db()
    assert asked.status == ClientRequest.Status.ASKED


def test_it_closes_an_accepted_request_and_refuses_a_second_answer(asked, manager, broker):
    service.answer(asked, user=manager, text="Voici")
    accepted = service.accept(asked, user=broker)
    assert accepted.status == ClientRequest.Status.ACCEPTED
    assert accepted.incident.journal.order_by("-seq").first().kind == "request_accepted"
    with pytest.raises(ValidationError):
        service.answer(asked, user=manager, text="Encore")
    with pytest.raises(ValidationError):
        service.accept(asked, user=broker)


def test_it_sends_back_with_a_comment_and_reminds_again(asked, manager, broker):
    ClientRequest.objects.filter(pk=asked.pk).update(reminded_soon_at=timezone.now())
    service.answer(asked, user=manager, text="Voici")
    with pytest.raises(ValidationError):
        service.send_back(asked, user=broker, comment=" ")
    returned = service.send_back(asked, user=broker, comment="Illisible, merci de rescanner")
    assert returned.status == ClientRequest.Status.RETURNED
    assert returned.reminded_soon_at is None
    assert Notification.objects.filter(user=manager, body="Illisible, merci de rescanner").exists()
    service.answer(returned, user=manager, text="Rescanné")


def test_the_sweep_reminds_the_company_once_before_and_once_after_the_due_date(
    asked, incident, manager
):
    now = timezone.now()
    # Only the request's: the steps' own reminders come too.
    notices = Notification.objects.filter(
        user=manager, channel="in_app", step__isnull=True, subject__contains=asked.title
    )
    before = notices.count()
    run_sweep(now=now)
    assert notices.count() == before
    soon = asked.due_at - timedelta(hours=2)
    run_sweep(now=soon)
    run_sweep(now=soon)
    assert notices.count() == before + 1
    late = asked.due_at + timedelta(minutes=1)
    run_sweep(now=late)
    run_sweep(now=late)
    assert notices.count() == before + 2
    assert "en retard" in notices.order_by("-pk").first().subject
    reminders = incident.journal.filter(kind="reminder_sent", data__request=asked.pk)
    assert reminders.count() == 2


def test_the_sweep_does_not_remind_of_an_answered_request(asked, manager):
    service.answer(asked, user=manager, text="Voici")
    assert service.remind_due(asked.due_at + timedelta(hours=1)) == 0
