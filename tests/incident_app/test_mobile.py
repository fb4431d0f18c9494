"""A person's mobile number: saved, proved by a code sent to it, removed."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incident_app.services.sms import MemoryBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings):
    settings.RIPOSTE_SMS_BACKEND = "incident_app.services.sms.MemoryBackend"
    MemoryBackend.outbox = []
    return MemoryBackend.outbox


def code_in(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1].text).group(1)


def a_minute_later(client):
    session = client.session
    pending = session["mobile_verification"]
    pending["sent_at"] = (timezone.now() - timedelta(minutes=2)).isoformat()
    session["mobile_verification"] = pending
    session.save()


def test_it_verifies_a_number_with_the_code_sent_to_it(client_for, manager, outbox):
    client = client_for(manager)
    response = client.post(reverse("mobile_start"), {"mobile": "06 12 34 56 78"}, follow=True)
    assert "Un code vient d’être envoyé par SMS" in response.content.decode()
    assert outbox[0].to == "+33612345678"
    manager.refresh_from_db()
    assert manager.verified_mobile is None
    response = client.post(reverse("mobile_verify"), {"code": code_in(outbox)}, follow=True)
    assert "Votre numéro est vérifié" in response.content.decode()
    manager.refresh_from_db()
    assert str(manager.verified_mobile) == "+33612345678"


def test_it_refuses_a_wrong_code_and_gives_up_after_five(client_for, manager, outbox):
    client = client_for(manager)
    client.post(reverse("mobile_start"), {"mobile": "+352 621 123 456"})
    right = code_in(outbox)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        response = client.post(reverse("mobile_verify"), {"code": wrong}, follow=True)
        assert "Ce code ne correspond pas" in response.content.decode()
    response = client.post(reverse("mobile_verify"), {"code": right}, follow=True)
    assert "plus valable" in response.content.decode()
    manager.refresh_from_db()
    assert manager.mobile_verified_at is None


def test_it_refuses_a_number_that_is_not_one_and_changes_nothing(client_for, manager, outbox):
    response = client_for(manager).post(reverse("mobile_start"), {"mobile": "12"}, follow=True)
    assert response.status_code == 200
    assert outbox == []
    manager.refresh_from_db()
    assert not manager.mobile


def test_it_forgets_the_verification_when_the_number_changes(client_for, manager, outbox):
    client = client_for(manager)
    client.post(reverse("mobile_start"), {"mobile": "0612345678"})
    client.post(reverse("mobile_verify"), {"code": code_in(outbox)})
    client.post(reverse("mobile_start"), {"mobile": "0698765432"})
    manager.refresh_from_db()
    assert str(manager.mobile) == "+33698765432" and manager.verified_mobile is None


def test_it_removes_the_number(client_for, manager, outbox):
    client = client_for(manager)
    client.post(reverse("mobile_start"), {"mobile": "0612345678"})
    client.post(reverse("mobile_verify"), {"code": code_in(outbox)})
    client.post(reverse("mobile_remove"))
    manager.refresh_from_db()
    assert not manager.mobile and manager.mobile_verified_at is None


def test_it_asks_to_sign_in(client):
    for name in ("mobile_start", "mobile_verify", "mobile_remove"):
        response = client.post(reverse(name))
        assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_it_refuses_get(client_for, manager):
    assert client_for(manager).get(reverse("mobile_start")).status_code == 405


def test_it_saves_the_sms_and_push_choices(client_for, manager):
    from incident_app.models import ReminderPreference

    client_for(manager).post(
        reverse("notification_preferences"),
        {"email": ["60"], "sms": ["1440", "0"], "push": ["360"]},
    )
    preference = ReminderPreference.objects.get(user=manager)
    assert preference.sms_offsets == [1440, 0]
    assert preference.muted_push_offsets == [60, 1440]


def test_it_sends_one_code_a_minute_at_most(client_for, manager, outbox):
    client = client_for(manager)
    client.post(reverse("mobile_start"), {"mobile": "0612345678"})
    response = client.post(reverse("mobile_start"), {"mobile": "0612345678"}, follow=True)
    assert "attendez une minute" in response.content.decode()
    assert len(outbox) == 1
    a_minute_later(client)
    client.post(reverse("mobile_start"), {"mobile": "0612345678"})
    assert len(outbox) == 2


def test_it_says_so_when_the_provider_refuses(client_for, manager, settings):
    settings.RIPOSTE_SMS_BACKEND = "incident_app.services.sms.InfobipBackend"
    settings.INFOBIP_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    response = client_for(manager).post(
        reverse("mobile_start"), {"mobile": "0612345678"}, follow=True
    )
    assert "Le SMS n’a pas pu partir" in response.content.decode()
    assert "mobile_verification" not in response.wsgi_request.session
