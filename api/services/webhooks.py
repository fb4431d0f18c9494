"""Signed webhooks: the events of an incident told to the systems of those who may see it.

An event becomes one outbox row per subscribed endpoint (``WebhookDelivery``), written in the
transaction of the change; the worker delivers it once that commits, and the retry sweep
(``deliver_due``) picks up what is due again or was lost. Each attempt:

- resolves the endpoint's host and refuses it unless every address is public (no loopback,
  private range, link-local such as the cloud metadata address 169.254.169.254, multicast,
  reserved): a name that pointed outside when it was saved may point inside later;
- connects to the address it checked (no second resolution in between), over HTTPS with the
  host name verified, and never follows a redirect;
- signs ``timestamp.body`` with HMAC-SHA256 and the endpoint's secret;
- counts a 2xx as delivered, a 3xx or 4xx as refused for good (the receiver said no), a 5xx,
  a timeout or a network error as worth retrying, with growing delays, up to
  ``RIPOSTE_WEBHOOK_MAX_ATTEMPTS`` attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

USER_AGENT = "Riposte-Webhooks/1"
# Delays before the 2nd, 3rd… attempt: 30 s, 2 min, 8 min, 32 min, then every 2 h 8 min.
BACKOFF_SECONDS = 30
BACKOFF_FACTOR = 4
BACKOFF_MAX_SECONDS = 4 * 60 * 60
# A claim older than this belongs to a worker that died: the delivery may be claimed again.
LEASE_SECONDS = 120
# The retry sweep hands over at most this many deliveries each time.
DUE_BATCH = 500


class Refused(Exception):
    """The endpoint's address may not be called: not retried."""


# --- the address -------------------------------------------------------------------------------


def _internal_allowed() -> bool:
    return settings.RIPOSTE_WEBHOOK_ALLOW_INTERNAL


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, int, list[str]]:
    """The host, port and addresses of ``url`` after checking them; ``Refused`` if any
    address is not public or the URL is not HTTPS. ``socket.gaierror`` if the name does
    not resolve (maybe for a moment: the caller decides)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    internal = _internal_allowed()
    if scheme != "https" and not (internal and scheme == "http"):
        raise Refused(_("L'adresse doit commencer par https://."))
    if parts.username or parts.password:
        raise Refused(_("L'adresse ne doit pas contenir d'identifiants."))
    host = parts.hostname
    if not host:
        raise Refused(_("L'adresse n'a pas de nom d'hôte."))
    port = parts.port or (443 if scheme == "https" else 80)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not internal and (not addresses or not all(is_public(a) for a in addresses)):
        raise Refused(
            _(
                "Cette adresse mène à un réseau interne (boucle locale, plage privée ou "
                "adresse de métadonnées) : elle est refusée."
            )
        )
    return host, port, addresses


def check_url(url: str) -> None:
    """At save: the same checks as at each delivery, as a form error."""
    try:
        resolve(url)
    except Refused as refused:
        raise ValidationError(str(refused), code="refused") from refused
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(
            _("Le nom d'hôte de cette adresse est introuvable."), code="unresolved"
        ) from error


# --- signing ------------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict:
    digest = signature(delivery.endpoint.secret, timestamp, body)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Riposte-Event": delivery.event,
        "Riposte-Delivery": str(delivery.event_id),
        "Riposte-Timestamp": str(timestamp),
        "Riposte-Signature": f"t={timestamp},v1={digest}",
    }


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        delivery.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


# --- recording events ---------------------------------------------------------------------------


def enqueue(event: str, incident, data: dict, now: datetime | None = None) -> list[WebhookDelivery]:
    """One outbox row per active endpoint subscribed to ``event`` of an organisation that
    sees the incident (its company, broker and insurer); each sent once the caller commits."""
    from ..tasks import deliver_webhook

    now = now or timezone.now()
    policy = incident.policy
    organisations = [incident.company_id, policy.broker_id, policy.insurer_id]
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            active=True, organisation_id__in=[o for o in organisations if o]
        )
        if event in endpoint.events
    ]
    deliveries = []
    for endpoint in endpoints:
        event_id = uuid.uuid4()
        payload = {
            "id": str(event_id),
            "event": event,
            "created_at": now.astimezone(timezone.UTC).isoformat(),
            "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        }
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, event_id=event_id, payload=payload, next_attempt_at=now
        )
        deliver_webhook.delay_on_commit(delivery.pk)
        deliveries.append(delivery)
    return deliveries


def send_test(endpoint: WebhookEndpoint, now: datetime | None = None) -> WebhookDelivery:
    """A ``ping`` event for this endpoint alone, to check the receiver and its signature."""
    from ..tasks import deliver_webhook

    now = now or timezone.now()
    event_id = uuid.uuid4()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="ping",
            event_id=event_id,
            payload={
                "id": str(event_id),
                "event": "ping",
                "created_at": now.astimezone(timezone.UTC).isoformat(),
                "data": {"organisation": endpoint.organisation.name},
            },
            next_attempt_at=now,
        )
        deliver_webhook.delay_on_commit(delivery.pk)
    return delivery


# --- delivering ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    delivered: bool = False
    retry: bool = False
    status_code: int | None = None
    error: str = ""


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the address already checked, with the certificate checked for the host."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP, only where internal addresses are allowed (tests, development)."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict, timeout: float) -> Outcome:
    try:
        host, port, addresses = resolve(url)
    except Refused as refused:
        return Outcome(error=str(refused))
    except (socket.gaierror, UnicodeError) as error:
        return Outcome(retry=True, error=f"DNS: {error}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if parts.scheme.lower() == "https" else _PinnedHTTPConnection
    connection = cls(host, addresses[0], port, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # enough to end the exchange; the body is not kept
        code = response.status
    except (TimeoutError, OSError, http.client.HTTPException) as error:
        return Outcome(retry=True, error=f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
    if 200 <= code < 300:
        return Outcome(delivered=True, status_code=code)
    if code >= 500:
        return Outcome(retry=True, status_code=code, error=f"HTTP {code}")
    # A redirect is not followed and a 4xx is the receiver's answer: both final.
    return Outcome(status_code=code, error=f"HTTP {code}")


def backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(BACKOFF_SECONDS * BACKOFF_FACTOR ** (attempts - 1), BACKOFF_MAX_SECONDS)
    )


def claim(pk: int, now: datetime) -> bool:
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    return (
        WebhookDelivery.objects.filter(free, pk=pk, status=WebhookDelivery.Status.PENDING).update(
            locked_until=now + timedelta(seconds=LEASE_SECONDS), attempts=F("attempts") + 1
        )
        == 1
    )


def deliver(pk: int, now: datetime | None = None) -> Outcome | None:
    """One attempt at one delivery; None when another worker has it or it is settled."""
    now = now or timezone.now()
    if not claim(pk, now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=pk)
    if not delivery.endpoint.active:
        outcome = Outcome(error=_("Webhook désactivé."))
    else:
        body = body_of(delivery)
        headers = signed_headers(delivery, body, int(time.time()))
        outcome = post(
            delivery.endpoint.url, body, headers, settings.RIPOSTE_WEBHOOK_TIMEOUT_SECONDS
        )
    _record(delivery, outcome, now)
    return outcome


def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    fields = {
        "locked_until": None,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:500],
    }
    if outcome.delivered:
        fields.update(
            status=WebhookDelivery.Status.DELIVERED, delivered_at=now, next_attempt_at=None
        )
    elif outcome.retry and delivery.attempts < settings.RIPOSTE_WEBHOOK_MAX_ATTEMPTS:
        fields.update(next_attempt_at=now + backoff(delivery.attempts))
    else:
        fields.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
        logger.warning("Webhook delivery %s given up: %s", delivery.pk, outcome.error)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


def due(now: datetime):
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    return WebhookDelivery.objects.filter(
        free, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    )


def deliver_due(now: datetime | None = None) -> int:
    """Hand the worker every delivery whose attempt is due (a retry, or a lost message)."""
    from ..tasks import deliver_webhook

    now = now or timezone.now()
    pks = list(due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:DUE_BATCH])
    for pk in pks:
        deliver_webhook.delay(pk)
    return len(pks)
