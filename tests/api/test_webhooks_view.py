"""Managing webhooks: safe addresses only, the secret shown once, a test button, the log."""

import pytest
from django.urls import reverse

from api import tasks
from api.models import WebhookDelivery, WebhookEndpoint


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", calls.append)
    return calls


def _create(client, organisation, url="https://93.184.216.34/riposte", events=("step.done",)):
    return client.post(
        reverse("webhook_list"),
        {"organisation": organisation.pk, "url": url, "events": list(events)},
    )


def test_it_saves_a_public_https_address_and_shows_its_secret_once(client_for, auditor, insurer):
    client = client_for(auditor)
    response = _create(client, insurer)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.text
    assert endpoint.events == ["step.done"]
    assert endpoint.secret not in client.get(reverse("webhook_list")).text


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.1.10/hook",
        "https://172.16.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "http://93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "https://user:secret@93.184.216.34/hook",
        "pas une adresse",
    ],
)
def test_it_refuses_internal_or_unsafe_addresses(client_for, auditor, insurer, url):
    response = _create(client_for(auditor), insurer, url=url)
    assert response.status_code == 400
    assert 'class="errorlist' in response.text
    assert not WebhookEndpoint.objects.exists()


def test_it_says_why_a_metadata_address_is_refused(client_for, auditor, insurer):
    response = _create(client_for(auditor), insurer, url="https://169.254.169.254/")
    assert "réseau interne" in response.text


def test_it_refuses_a_webhook_without_events(client_for, auditor, insurer):
    response = _create(client_for(auditor), insurer, events=())
    assert response.status_code == 400


def test_it_sends_a_test_and_shows_it_in_the_log(
    client_for, auditor, insurer, sent, django_capture_on_commit_callbacks
):
    client = client_for(auditor)
    _create(client, insurer)
    endpoint = WebhookEndpoint.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhook_test", args=[endpoint.pk]))
    assert response["Location"] == reverse("webhook_detail", args=[endpoint.pk])
    delivery = WebhookDelivery.objects.get()
    assert sent == [delivery.pk] and delivery.event == "ping"
    log = client.get(reverse("webhook_detail", args=[endpoint.pk])).text
    assert str(delivery.event_id) in log


def test_it_disables_a_webhook(client_for, auditor, insurer, sent):
    client = client_for(auditor)
    _create(client, insurer)
    endpoint = WebhookEndpoint.objects.get()
    client.post(reverse("webhook_disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert client.post(reverse("webhook_test", args=[endpoint.pk])).status_code == 404


def test_it_hides_the_webhooks_of_another_organisation(
    client_for, auditor, other_auditor, insurer, sent
):
    _create(client_for(auditor), insurer)
    endpoint = WebhookEndpoint.objects.get()
    other = client_for(other_auditor)
    assert endpoint.url not in other.get(reverse("webhook_list")).text
    for name in ("webhook_detail",):
        assert other.get(reverse(name, args=[endpoint.pk])).status_code == 404
    for name in ("webhook_test", "webhook_disable"):
        assert other.post(reverse(name, args=[endpoint.pk])).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.active and not WebhookDelivery.objects.exists()


def test_it_lets_a_broker_subscribe(client_for, broker, broker_org):
    assert _create(client_for(broker), broker_org).status_code == 200


@pytest.mark.parametrize("who", ["manager", "member", "outsider"])
def test_it_is_a_404_for_company_people(client_for, who, request, insurer):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("webhook_list")).status_code == 404
    assert _create(client, insurer).status_code == 404
