"""Reminders as notifications on the installed app (Web Push), once; gone devices dropped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incident_app.models import Notification, PushSubscription, Reminder, ReminderPreference
from incident_app.services import notify
from incident_app.services.sweep import run_sweep
from tests.fakes import FakePushService
from tests.push_keys import device_keys, vapid_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_service(settings):
    fake = FakePushService().start()
    public, private = vapid_pair()
    settings.RIPOSTE_VAPID_PUBLIC_KEY = public
    settings.RIPOSTE_VAPID_PRIVATE_KEY = private
    settings.RIPOSTE_VAPID_SUBJECT = "mailto:ops@riposte.example"
    yield fake
    fake.stop()


def subscribe(user, push_service, device="phone"):
    keys = device_keys()
    return PushSubscription.objects.create(
        user=user, endpoint=push_service.endpoint(device), p256dh=keys["p256dh"], auth=keys["auth"]
    )


def due_in_one_hour(incident):
    step = incident.steps.get(key="complaint")
    step.due_at = timezone.now() + timedelta(minutes=59)
    step.save()
    Reminder.objects.filter(step=step, offset_minutes=60).update(
        fire_at=step.due_at - timedelta(minutes=60)
    )
    return step


def test_it_pushes_the_reminder_once_to_each_device_with_vapid(push_service, incident, manager):
    subscribe(manager, push_service, "phone")
    subscribe(manager, push_service, "tablet")
    due_in_one_hour(incident)
    run_sweep()
    push = Notification.objects.get(user=manager, channel="push")
    assert notify.deliver(push.pk) is True
    assert notify.deliver(push.pk) is False
    assert push_service.delivered() == {("phone", f"n{push.pk}"): 1, ("tablet", f"n{push.pk}"): 1}
    request = push_service.requests[0]
    assert request["authorization"].startswith("vapid t=")
    assert request["encoding"] == "aes128gcm"
    assert int(request["ttl"]) == 24 * 3600
    push.refresh_from_db()
    assert push.delivered_at is not None and push.provider_status == "sent"


def test_it_drops_a_device_the_push_service_reports_gone(push_service, incident, manager):
    gone = subscribe(manager, push_service, "old-phone")
    subscribe(manager, push_service, "phone")
    push_service.gone.add("old-phone")
    due_in_one_hour(incident)
    run_sweep()
    push = Notification.objects.get(user=manager, channel="push")
    assert notify.deliver(push.pk) is True
    assert not PushSubscription.objects.filter(pk=gone.pk).exists()
    assert PushSubscription.objects.filter(user=manager).count() == 1
    assert list(push_service.delivered()) == [("phone", f"n{push.pk}")]


def test_it_pushes_nothing_to_someone_without_a_device(push_service, incident, manager):
    due_in_one_hour(incident)
    run_sweep()
    assert not Notification.objects.filter(channel="push").exists()


def test_it_pushes_nothing_for_reminders_the_person_muted(push_service, incident, manager):
    subscribe(manager, push_service)
    ReminderPreference.objects.create(user=manager, muted_push_offsets=[60])
    due_in_one_hour(incident)
    run_sweep()
    assert not Notification.objects.filter(channel="push").exists()


def test_it_pushes_nothing_without_vapid_keys(push_service, incident, manager, settings):
    subscribe(manager, push_service)
    settings.RIPOSTE_VAPID_PRIVATE_KEY = ""
    due_in_one_hour(incident)
    run_sweep()
    assert not Notification.objects.filter(channel="push").exists()


def test_it_keeps_the_push_undelivered_when_the_service_fails(push_service, incident, manager):
    device = subscribe(manager, push_service)
    PushSubscription.objects.filter(pk=device.pk).update(endpoint="http://127.0.0.1:9/push/x")
    due_in_one_hour(incident)
    run_sweep()
    push = Notification.objects.get(user=manager, channel="push")
    with pytest.raises(OSError):
        notify.deliver(push.pk)
    push.refresh_from_db()
    assert push.delivered_at is None and push.claimed_at is None
    assert PushSubscription.objects.filter(pk=device.pk).exists()
