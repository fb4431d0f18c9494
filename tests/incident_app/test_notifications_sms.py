"""Reminders by SMS: to verified mobiles of the company's people, as they chose, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incident_app.models import Notification, Reminder, ReminderPreference
from incident_app.services import notify
from incident_app.services.sweep import run_sweep
from tests.conftest import make_user
from tests.fakes import FakeSmsProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    fake = FakeSmsProvider().start()
    settings.RIPOSTE_SMS_BACKEND = "incident_app.services.sms.InfobipBackend"
    settings.INFOBIP_BASE_URL = fake.url
    settings.INFOBIP_API_KEY = fake.api_key
    yield fake
    fake.stop()


def verify(user, number="+33612345678"):
    user.mobile = number
    user.mobile_verified_at = timezone.now()
    user.save()
    return user


def due_in_one_hour(incident, key="complaint"):
    """The step's T-1 h reminder, due one minute ago."""
    step = incident.steps.get(key=key)
    step.due_at = timezone.now() + timedelta(minutes=59)
    step.save()
    Reminder.objects.filter(step=step, offset_minutes=60).update(
        fire_at=step.due_at - timedelta(minutes=60)
    )
    return step


def test_it_texts_the_verified_manager_once_with_the_deadline_and_the_link(
    provider, incident, manager
):
    verify(manager)
    due_in_one_hour(incident)
    run_sweep()
    sms = Notification.objects.get(user=manager, channel="sms")
    assert notify.deliver(sms.pk) is True
    assert notify.deliver(sms.pk) is False
    assert provider.counts() == {f"riposte-{sms.pk}": 1}
    message = provider.messages[0]
    assert message["to"] == "33612345678"
    assert message["sender"] == "Riposte"
    step = incident.steps.get(key="complaint")
    local = step.due_at.astimezone(incident.company.zone)
    assert f"avant le {local:%-d/%m %H:%M}" in message["text"]
    assert f"http://127.0.0.1:8000/incidents/{incident.reference}/" in message["text"]
    assert len(message["text"]) <= 320
    assert "/sms/etat/" in message["notifyUrl"]
    sms.refresh_from_db()
    assert sms.delivered_at is not None and sms.provider_reference == f"riposte-{sms.pk}"


def test_it_does_not_text_twice_when_a_worker_died_after_the_provider_accepted(
    provider, incident, manager, settings
):
    verify(manager)
    due_in_one_hour(incident)
    run_sweep()
    sms = Notification.objects.get(user=manager, channel="sms")
    notify.deliver(sms.pk)
    # As if the worker had died before recording the delivery: claimed long ago, not done.
    long_ago = timezone.now() - timedelta(seconds=settings.RIPOSTE_DELIVERY_LEASE_SECONDS + 5)
    Notification.objects.filter(pk=sms.pk).update(delivered_at=None, claimed_at=long_ago)
    notify.redispatch()
    assert notify.deliver(sms.pk) is True
    assert provider.counts() == {f"riposte-{sms.pk}": 1}
    sms.refresh_from_db()
    assert sms.delivered_at is not None and sms.attempts == 2


def test_it_sends_again_what_never_reached_the_provider(provider, incident, manager, settings):
    verify(manager)
    due_in_one_hour(incident)
    run_sweep()
    sms = Notification.objects.get(user=manager, channel="sms")
    long_ago = timezone.now() - timedelta(seconds=settings.RIPOSTE_DELIVERY_LEASE_SECONDS + 5)
    Notification.objects.filter(pk=sms.pk).update(claimed_at=long_ago, attempts=1)
    notify.redispatch()
    assert notify.deliver(sms.pk) is True
    assert provider.counts() == {f"riposte-{sms.pk}": 1}


def test_it_keeps_the_notification_undelivered_when_the_provider_is_down(
    incident, manager, settings
):
    settings.RIPOSTE_SMS_BACKEND = "incident_app.services.sms.InfobipBackend"
    settings.INFOBIP_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.INFOBIP_API_KEY = "k"
    verify(manager)
    due_in_one_hour(incident)
    run_sweep()
    sms = Notification.objects.get(user=manager, channel="sms")
    with pytest.raises(ConnectionError):
        notify.deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.delivered_at is None and sms.claimed_at is None and sms.last_error


def test_it_texts_nobody_whose_number_is_not_verified(provider, incident, manager):
    manager.mobile = "+33612345678"
    manager.save()
    due_in_one_hour(incident)
    run_sweep()
    assert not Notification.objects.filter(channel="sms").exists()


def test_it_follows_each_person_s_choice_of_reminders(provider, incident, manager):
    verify(manager)
    ReminderPreference.objects.create(user=manager, sms_offsets=[0])
    due_in_one_hour(incident)
    run_sweep()
    assert not Notification.objects.filter(channel="sms").exists()


def test_it_texts_the_crisis_cell_member_given_the_step(provider, incident, member, manager):
    verify(member, "+33698765432")
    step = due_in_one_hour(incident)
    step.assignee = member
    step.save()
    run_sweep()
    assert list(Notification.objects.filter(channel="sms").values_list("user", flat=True)) == [
        member.pk
    ]


def test_it_never_texts_the_broker(provider, incident, manager, broker):
    verify(broker, "+33611111111")
    verify(manager)
    step = incident.steps.get(key="complaint")
    step.due_at = timezone.now() - timedelta(minutes=1)
    step.save()
    Reminder.objects.filter(step=step).exclude(offset_minutes=0).delete()
    Reminder.objects.filter(step=step, offset_minutes=0).update(fire_at=step.due_at)
    run_sweep()
    overdue = Notification.objects.filter(step=step, channel="sms")
    assert list(overdue.values_list("user", flat=True)) == [manager.pk]
    assert Notification.objects.filter(step=step, channel="email", user=broker).exists()


def test_it_writes_an_overdue_text_in_english_for_an_english_reader(provider, incident, manager):
    manager.language = "en"
    verify(manager)
    step = incident.steps.get(key="complaint")
    step.due_at = timezone.now() - timedelta(minutes=1)
    step.save()
    Reminder.objects.filter(step=step).exclude(offset_minutes=0).delete()
    Reminder.objects.filter(step=step, offset_minutes=0).update(fire_at=step.due_at)
    run_sweep()
    notify.deliver(Notification.objects.get(user=manager, channel="sms").pk)
    assert "DEADLINE MISSED" in provider.messages[0]["text"]


def test_it_writes_messages_to_a_file_with_the_file_backend(settings, tmp_path, incident, manager):
    settings.RIPOSTE_SMS_BACKEND = "incident_app.services.sms.FileBackend"
    settings.RIPOSTE_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    verify(manager)
    due_in_one_hour(incident)
    run_sweep()
    sms = Notification.objects.get(user=manager, channel="sms")
    notify.deliver(sms.pk)
    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert len(lines) == 1 and f'"riposte-{sms.pk}"' in lines[0]


def test_it_texts_a_member_of_another_company_nothing(provider, incident, other_company):
    stranger = verify(make_user("x@kirchberg.example", other_company, "manager"))
    step = due_in_one_hour(incident)
    step.assignee = stranger
    step.save()
    run_sweep()
    assert not Notification.objects.filter(channel="sms", user=stranger).exists()


def test_it_texts_nothing_when_the_number_went_since_the_reminder(provider, incident, manager):
    verify(manager)
    due_in_one_hour(incident)
    run_sweep()
    manager.mobile = "+33699999999"
    manager.mobile_verified_at = None
    manager.save()
    sms = Notification.objects.get(user=manager, channel="sms")
    assert notify.deliver(sms.pk) is True
    assert provider.messages == []
    sms.refresh_from_db()
    assert sms.provider_status == "no_number"
