"""Each SMS and each push exactly once, with a real Redis, a real Celery worker and beat.

A fake SMS provider (Infobip's API) and a fake push service listen on this machine. The
provider holds its answer a moment after taking each message, and the worker is killed
with SIGKILL in that moment: the provider has the message, the database does not know. The
test process runs rival sweeps all along. When the worker is back, the sweep hands the
interrupted delivery out again; it asks the provider first and does not send it twice.
"""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from incident_app.models import Notification, PushSubscription, Reminder
from incident_app.services.incidents import open_incident
from incident_app.services.sweep import run_sweep
from tests.fakes import FakePushService, FakeSmsProvider
from tests.push_keys import device_keys, vapid_pair

pytestmark = [pytest.mark.integration]

STEPS = ("complaint", "dpa_notification", "claim_declaration")


class SlowSmsProvider(FakeSmsProvider):
    """Takes the message, then answers a second later: the worker dies in between."""

    def handle(self, handler, method):
        try:
            if method == "POST":
                return super().handle(_Delayed(handler), method)
            return super().handle(handler, method)
        except (BrokenPipeError, ConnectionResetError):
            return None  # the worker was killed while waiting for the answer


class _Delayed:
    def __init__(self, handler):
        self._handler = handler

    def __getattr__(self, name):
        return getattr(self._handler, name)

    def send_response(self, *args):
        time.sleep(1.0)
        return self._handler.send_response(*args)


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def services():
    provider, push = SlowSmsProvider().start(), FakePushService().start()
    yield provider, push
    provider.stop()
    push.stop()


def test_it_texts_and_pushes_each_reminder_once_through_races_and_a_killed_worker(
    celery_worker, services, settings, company, policy, manager, broker
):
    provider, push = services
    public, private = vapid_pair()
    settings.RIPOSTE_VAPID_PUBLIC_KEY = public
    settings.RIPOSTE_VAPID_PRIVATE_KEY = private
    settings.RIPOSTE_REDISPATCH_AFTER_SECONDS = 3
    settings.RIPOSTE_DELIVERY_LEASE_SECONDS = 8
    celery_worker.env.update(
        {
            "RIPOSTE_SMS_BACKEND": "infobip",
            "INFOBIP_BASE_URL": provider.url,
            "INFOBIP_API_KEY": provider.api_key,
            "RIPOSTE_VAPID_PUBLIC_KEY": public,
            "RIPOSTE_VAPID_PRIVATE_KEY": private,
        }
    )
    manager.mobile = "+33612345678"
    manager.mobile_verified_at = timezone.now()
    manager.save()
    keys = device_keys()
    PushSubscription.objects.create(
        user=manager, endpoint=push.endpoint("phone"), p256dh=keys["p256dh"], auth=keys["auth"]
    )
    now = timezone.now()
    incident = open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=now - timedelta(hours=1),
        personal_data="yes",
        declared_by=manager,
    )
    Reminder.objects.filter(step__incident=incident).delete()
    for i, key in enumerate(STEPS, start=1):
        step = incident.steps.get(key=key)
        step.due_at = now + timedelta(seconds=4 * i)
        step.save()
        Reminder.objects.create(
            step=step, offset_minutes=60, fire_at=step.due_at - timedelta(minutes=60)
        )
        Reminder.objects.create(step=step, offset_minutes=0, fire_at=step.due_at)

    stop = threading.Event()
    errors = []

    def rival_sweeps():
        try:
            while not stop.is_set():
                run_sweep()
                time.sleep(0.3)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    # A first sweep claims the three T-1 h reminders before the worker is even up.
    assert run_sweep().claimed == 3
    rivals = [threading.Thread(target=rival_sweeps) for _ in range(2)]
    celery_worker.start()
    celery_worker.wait_ready()
    for thread in rivals:
        thread.start()
    try:
        # The provider has taken a message and not yet answered: kill the worker now.
        assert _wait(lambda: len(provider.messages) > 0, timeout=20)
        celery_worker.kill()
        interrupted = provider.messages[0]["messageId"]
        time.sleep(1)
        celery_worker.start()
        celery_worker.wait_ready()

        def all_delivered():
            return (
                not Reminder.objects.filter(claimed_at__isnull=True).exists()
                and not Notification.objects.filter(delivered_at__isnull=True).exists()
            )

        assert _wait(all_delivered, timeout=45), celery_worker.log.read_text()[-3000:]
        time.sleep(2)  # a late duplicate would show up here
    finally:
        stop.set()
        for thread in rivals:
            thread.join()
    assert errors == []

    texts = Notification.objects.filter(channel="sms")
    pushes = Notification.objects.filter(channel="push")
    # Three steps, each with its T-1 h reminder and its overdue notice, for the manager.
    assert texts.count() == 6 and pushes.count() == 6
    assert provider.counts() == Counter(
        {f"riposte-{pk}": 1 for pk in texts.values_list("pk", flat=True)}
    )
    assert provider.unauthorised == 0
    # The one interrupted was sent again by the sweep, which asked the provider first.
    again = texts.get(pk=int(interrupted.removeprefix("riposte-")))
    assert again.attempts >= 2 and again.provider_reference == interrupted
    assert push.delivered() == Counter(
        {("phone", f"n{pk}"): 1 for pk in pushes.values_list("pk", flat=True)}
    )
    assert all(r["authorization"].startswith("vapid ") for r in push.requests)
