"""The notification assistant's service: prefilled from the incident and the profile, initial
then complementary; the authority's acknowledgement completes the step's proof once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.models import DataBreachNotification
from documents.services.notification import record_acknowledgement, start_notification
from incident_app.models import Step


def test_it_prefills_the_first_notification_from_the_incident_and_the_profile(
    prepared_company, incident, manager
):
    notification = start_notification(incident, manager)
    assert notification.phase == DataBreachNotification.Phase.INITIAL
    assert "Rançongiciel" in notification.nature
    assert notification.contact == prepared_company.dpo_contact
    assert notification.authority == "CNIL"


def test_it_makes_the_next_one_complementary_repeating_what_was_said(incident, manager):
    first = start_notification(incident, manager)
    first.people_count = 40
    first.save()
    second = start_notification(incident, manager)
    assert second.phase == DataBreachNotification.Phase.COMPLEMENTARY
    assert second.people_count == 40


def test_it_counts_72_hours_from_awareness_of_the_breach(incident, manager):
    notification = start_notification(incident, manager)
    assert notification.due_at == incident.discovered_at + timedelta(hours=72)
    assert not notification.is_late(timezone.now())
    assert notification.is_late(incident.discovered_at + timedelta(hours=73))


def test_the_acknowledgement_completes_the_step_with_its_receipt(incident, manager):
    notification = start_notification(incident, manager)
    notified_at = timezone.now() - timedelta(minutes=30)
    receipt = SimpleUploadedFile("accuse-cnil.txt", b"Accuse de reception CNIL")
    record_acknowledgement(
        notification,
        user=manager,
        number="CNIL-2026-0042",
        notified_at=notified_at,
        receipt=receipt,
    )
    notification.refresh_from_db()
    step = incident.steps.get(key="dpa_notification")
    assert step.status == Step.Status.DONE
    assert step.proof_reference == "CNIL-2026-0042"
    assert step.done_at == notified_at
    assert notification.acknowledgement.step == step
    assert notification.acknowledgement.original_name == "accuse-cnil.txt"


def test_a_complementary_acknowledgement_is_journaled_and_leaves_the_step_alone(incident, manager):
    first = start_notification(incident, manager)
    record_acknowledgement(first, user=manager, number="N-1", notified_at=timezone.now())
    second = start_notification(incident, manager)
    record_acknowledgement(second, user=manager, number="N-2", notified_at=timezone.now())
    step = incident.steps.get(key="dpa_notification")
    assert step.proof_reference == "N-1"
    assert "N-2" in incident.journal.order_by("-seq").first().text


def test_it_refuses_a_second_acknowledgement_and_a_blank_number(incident, manager):
    notification = start_notification(incident, manager)
    with pytest.raises(ValidationError):
        record_acknowledgement(notification, user=manager, number="  ", notified_at=timezone.now())
    record_acknowledgement(notification, user=manager, number="N-1", notified_at=timezone.now())
    with pytest.raises(ValidationError):
        record_acknowledgement(notification, user=manager, number="N-9", notified_at=timezone.now())
    notification.refresh_from_db()
    assert notification.acknowledgement_number == "N-1"
