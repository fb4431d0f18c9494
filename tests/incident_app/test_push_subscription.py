"""A device says yes to notifications, or no more."""

import json

import pytest
from django.urls import reverse

from incident_app.models import PushSubscription
from tests.push_keys import device_keys

pytestmark = pytest.mark.django_db

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def post(client, name, data):
    return client.post(reverse(name), json.dumps(data), content_type="application/json")


def test_it_remembers_the_device(client_for, manager):
    keys = device_keys()
    response = post(client_for(manager), "push_subscribe", {"endpoint": ENDPOINT, "keys": keys})
    assert response.status_code == 201
    device = PushSubscription.objects.get()
    assert (device.user, device.endpoint, device.p256dh) == (manager, ENDPOINT, keys["p256dh"])


def test_it_gives_a_device_to_whoever_signed_in_last(client_for, manager, member):
    PushSubscription.objects.create(user=manager, endpoint=ENDPOINT, p256dh="a", auth="b")
    post(client_for(member), "push_subscribe", {"endpoint": ENDPOINT, "keys": device_keys()})
    assert PushSubscription.objects.get().user == member


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",  # not HTTPS
        "https://127.0.0.1/push",  # our own network
        "https://evil.example/fcm.googleapis.com",
        "not a url",
    ],
)
def test_it_refuses_an_address_that_is_no_push_service(client_for, manager, endpoint):
    response = post(
        client_for(manager), "push_subscribe", {"endpoint": endpoint, "keys": device_keys()}
    )
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_it_refuses_a_subscription_without_keys(client_for, manager):
    assert post(client_for(manager), "push_subscribe", {"endpoint": ENDPOINT}).status_code == 400
    assert (
        client_for(manager)
        .post(reverse("push_subscribe"), "{oops", content_type="application/json")
        .status_code
        == 400
    )


def test_it_forgets_the_device_of_its_owner_only(client_for, manager, member):
    PushSubscription.objects.create(user=manager, endpoint=ENDPOINT, p256dh="a", auth="b")
    post(client_for(member), "push_unsubscribe", {"endpoint": ENDPOINT})
    assert PushSubscription.objects.exists()
    post(client_for(manager), "push_unsubscribe", {"endpoint": ENDPOINT})
    assert not PushSubscription.objects.exists()


def test_it_asks_to_sign_in(client):
    response = post(client, "push_subscribe", {"endpoint": ENDPOINT, "keys": device_keys()})
    assert response.status_code == 302
    assert not PushSubscription.objects.exists()


def test_it_offers_the_switch_only_with_vapid_keys(client_for, manager, settings):
    settings.RIPOSTE_VAPID_PUBLIC_KEY = ""
    html = client_for(manager).get(reverse("notification_preferences")).content.decode()
    assert "data-push" not in html
    settings.RIPOSTE_VAPID_PUBLIC_KEY = "BPublicKey"
    html = client_for(manager).get(reverse("notification_preferences")).content.decode()
    assert 'data-key="BPublicKey"' in html
