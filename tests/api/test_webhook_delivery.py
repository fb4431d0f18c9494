"""Webhook deliveries to a real receiver: signature, retries, refusals, events."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.utils import timezone

from api import tasks
from api.models import WebhookDelivery, WebhookEndpoint
from api.services import webhooks


class Receiver:
    """An HTTP server on loopback answering each request with the next scripted answer."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                answer = receiver.answers.pop(0) if receiver.answers else 200
                if answer == "slow":
                    time.sleep(2)
                    answer = 200
                self.send_response(answer)
                if answer in (301, 302, 307):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/riposte"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, secret, headers, body, tolerance=300):
        """What a receiver does: recompute the signature, refuse an old timestamp."""
        parts = dict(item.split("=", 1) for item in headers["Riposte-Signature"].split(","))
        timestamp = int(parts["t"])
        expected = hmac.new(
            secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        return (
            hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - timestamp) < tolerance
        )


@pytest.fixture
def internal(settings):
    settings.RIPOSTE_WEBHOOK_ALLOW_INTERNAL = True
    settings.RIPOSTE_WEBHOOK_TIMEOUT_SECONDS = 1


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", calls.append)
    return calls


@pytest.fixture
def receiver():
    made = []

    def start(*answers):
        made.append(Receiver(answers))
        return made[-1]

    yield start
    for receiver in made:
        receiver.server.shutdown()


def _endpoint(organisation, user, url, events=("step.done",)):
    return WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        events=list(events),
        secret=WebhookEndpoint.new_secret(),
        created_by=user,
    )


def _ping(endpoint, sent):
    delivery = webhooks.send_test(endpoint)
    return delivery


def test_it_signs_timestamp_dot_body_and_the_receiver_checks_it(
    internal, receiver, insurer, auditor, sent
):
    server = receiver(200)
    endpoint = _endpoint(insurer, auditor, server.url)
    delivery = _ping(endpoint, sent)
    outcome = webhooks.deliver(delivery.pk)
    assert outcome.delivered
    headers, body = server.requests[0]
    assert server.verify(endpoint.secret, headers, body)
    assert not server.verify("whsec_wrong", headers, body)
    assert headers["Riposte-Delivery"] == str(delivery.event_id)
    assert json.loads(body)["event"] == "ping"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)


def test_it_retries_a_5xx_with_backoff_then_delivers_the_same_event(
    internal, receiver, insurer, auditor, sent
):
    server = receiver(500, 503, 200)
    endpoint = _endpoint(insurer, auditor, server.url)
    delivery = _ping(endpoint, sent)
    now = timezone.now()
    assert webhooks.deliver(delivery.pk, now).retry
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.next_attempt_at - now >= timedelta(seconds=29)
    # Not due yet: the retry sweep leaves it.
    assert webhooks.deliver_due(now) == 0
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert webhooks.deliver_due(later) == 1 and sent[-1] == delivery.pk
    assert webhooks.deliver(delivery.pk, later).retry
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - later >= timedelta(minutes=2) - timedelta(seconds=2)
    assert webhooks.deliver(delivery.pk, delivery.next_attempt_at).delivered
    ids = {headers["Riposte-Delivery"] for headers, _body in server.requests}
    assert len(server.requests) == 3 and ids == {str(delivery.event_id)}
    assert all(server.verify(endpoint.secret, h, b) for h, b in server.requests)


def test_it_does_not_retry_a_4xx(internal, receiver, insurer, auditor, sent):
    server = receiver(410)
    delivery = _ping(_endpoint(insurer, auditor, server.url), sent)
    outcome = webhooks.deliver(delivery.pk)
    assert not outcome.retry
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("failed", 410)
    assert webhooks.deliver_due(timezone.now() + timedelta(days=1)) == 0


def test_it_does_not_follow_a_redirect(internal, receiver, insurer, auditor, sent):
    server = receiver(302)
    delivery = _ping(_endpoint(insurer, auditor, server.url), sent)
    webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("failed", 302)
    assert len(server.requests) == 1


def test_it_retries_a_timeout(internal, receiver, insurer, auditor, sent):
    server = receiver("slow", 200)
    delivery = _ping(_endpoint(insurer, auditor, server.url), sent)
    outcome = webhooks.deliver(delivery.pk)
    assert outcome.retry and "Timeout" in outcome.error or "timed out" in outcome.error
    delivery.refresh_from_db()
    assert delivery.status == "pending"


def test_it_gives_up_after_the_last_attempt(internal, receiver, insurer, auditor, sent, settings):
    settings.RIPOSTE_WEBHOOK_MAX_ATTEMPTS = 2
    server = receiver(500, 500, 200)
    delivery = _ping(_endpoint(insurer, auditor, server.url), sent)
    webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    webhooks.deliver(delivery.pk, delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)


def test_it_delivers_once_when_two_workers_race(internal, receiver, insurer, auditor, sent):
    server = receiver(200, 200)
    delivery = _ping(_endpoint(insurer, auditor, server.url), sent)
    now = timezone.now()
    assert webhooks.claim(delivery.pk, now)
    assert webhooks.deliver(delivery.pk, now) is None
    assert server.requests == []


def test_it_refuses_at_delivery_a_name_that_now_resolves_inside(
    receiver, insurer, auditor, sent, monkeypatch
):
    endpoint = _endpoint(insurer, auditor, "https://hooks.assureur.example/riposte")
    delivery = _ping(endpoint, sent)

    def metadata(host, port, *args, **kwargs):
        return [(2, 1, 6, "", ("169.254.169.254", port))]

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", metadata)
    outcome = webhooks.deliver(delivery.pk)
    assert not outcome.retry and "interne" in outcome.error
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_it_refuses_plain_http_outside_development(receiver, insurer, auditor, sent):
    server = receiver(200)
    delivery = _ping(_endpoint(insurer, auditor, server.url), sent)
    outcome = webhooks.deliver(delivery.pk)
    assert outcome.error and not outcome.delivered
    assert server.requests == []


def test_it_records_a_step_done_for_each_subscribed_organisation(
    incident,
    insurer,
    broker_org,
    other_insurer,
    auditor,
    broker,
    other_auditor,
    manager,
    sent,
    django_capture_on_commit_callbacks,
):
    from incident_app.services.steps import complete_step

    mine = _endpoint(insurer, auditor, "https://93.184.216.34/a")
    brokers = _endpoint(broker_org, broker, "https://93.184.216.34/b")
    _endpoint(insurer, auditor, "https://93.184.216.34/c", events=("dossier.ready",))
    _endpoint(other_insurer, other_auditor, "https://93.184.216.34/d")
    with django_capture_on_commit_callbacks(execute=True):
        complete_step(incident.steps.get(key="complaint"), user=manager)
    deliveries = WebhookDelivery.objects.filter(event="step.done")
    assert {d.endpoint_id for d in deliveries} == {mine.pk, brokers.pk}
    assert sorted(sent) == sorted(d.pk for d in deliveries)
    payload = deliveries.first().payload
    assert payload["data"]["step"]["key"] == "complaint"
    assert payload["data"]["incident"]["reference"] == incident.reference


def test_it_records_nothing_for_a_change_rolled_back(incident, insurer, auditor, manager, sent):
    from django.db import transaction

    from incident_app.services.steps import complete_step

    _endpoint(insurer, auditor, "https://93.184.216.34/a")
    with pytest.raises(RuntimeError), transaction.atomic():
        complete_step(incident.steps.get(key="complaint"), user=manager)
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_it_records_a_declared_incident(company, policy, insurer, auditor, manager, sent):
    from incident_app.services.incidents import open_incident

    _endpoint(insurer, auditor, "https://93.184.216.34/a", events=("incident.declared",))
    incident = open_incident(
        company=company,
        policy=policy,
        kinds=["ddos"],
        discovered_at=timezone.now(),
        personal_data="no",
        declared_by=manager,
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"]["incident"]["reference"] == incident.reference
    assert delivery.payload["data"]["incident"]["api_url"] == (
        f"{settings.SITE_URL}/api/v1/incidents/{incident.reference}"
    )


def test_it_records_a_missed_deadline_from_the_sweep(incident, insurer, auditor, sent):
    from incident_app.services.sweep import run_sweep

    _endpoint(insurer, auditor, "https://93.184.216.34/a", events=("deadline.missed",))
    due = incident.steps.get(key="complaint").due_at
    run_sweep(now=due + timedelta(minutes=1))
    keys = [d.payload["data"]["step"]["key"] for d in WebhookDelivery.objects.all()]
    assert "complaint" in keys


def test_it_records_a_claim_state_change(incident, insurer, auditor, sent):
    from incident_app import signals

    _endpoint(insurer, auditor, "https://93.184.216.34/a", events=("claim.state_changed",))
    signals.claim_state_changed.send(
        sender=None, incident=incident, previous="open", state="investigation", now=timezone.now()
    )
    data = WebhookDelivery.objects.get().payload["data"]
    assert (data["previous"], data["state"]) == ("open", "investigation")


def test_it_records_a_dossier_ready(
    eventful_incident, insurer, auditor, manager, sent, monkeypatch
):
    from documents import tasks as document_tasks
    from documents.services import dossier as dossier_service

    monkeypatch.setattr(document_tasks.render_claim_dossier, "delay", lambda pk: None)
    _endpoint(insurer, auditor, "https://93.184.216.34/a", events=("dossier.ready",))
    dossier, _created = dossier_service.request_dossier(eventful_incident, manager)
    dossier_service.render_dossier(dossier.pk)
    dossier.refresh_from_db()
    data = WebhookDelivery.objects.get().payload["data"]
    assert data["dossier"] == {"version": 1, "sha256": dossier.sha256}
