"""Text messages, through a backend chosen in the settings, as Django does for e-mail.

``RIPOSTE_SMS_BACKEND`` names the class: the console backend (development), the file backend
(development and tests that read what left), the memory backend (unit tests, ``outbox``) and
one real provider, Infobip, configured from the environment.

Every message carries a reference of ours that stays the same when it is sent again. A
backend that can tell whether a reference already left (``was_sent``) lets the delivery of a
reminder check before a second attempt, so that a worker killed after the provider accepted
the message, but before the acceptance was recorded, does not make the phone ring twice.

Infobip was chosen because it lets the sender set the message's ID and look a message up by
that ID afterwards (the check above), calls a URL of ours per message with the delivery
report, is a European company with direct routes to French and Luxembourg operators and
alphanumeric senders there, and needs no SDK: one HTTPS request with an API key.
"""

import json
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider refused the message for good (bad number, no credit): not retried."""


class SmsUnavailable(ConnectionError):
    """The provider could not be reached or answered with a server error: retried."""


@dataclass
class SmsMessage:
    to: str  # E.164, "+33612345678"
    text: str
    reference: str  # ours, stable across attempts
    status_url: str = ""  # where the provider reports delivery, authenticated by its token


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> str:
        """Send, and return the provider's reference for the message. Raises on failure."""
        raise NotImplementedError

    def was_sent(self, reference: str) -> bool | None:
        """Whether a message with our ``reference`` already left; None if it cannot tell."""
        return None


class ConsoleBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> str:
        sys.stdout.write(f"SMS to {message.to} [{message.reference}]\n{message.text}\n\n")
        sys.stdout.flush()
        return message.reference


class FileBackend(BaseSmsBackend):
    """One JSON line per message in ``RIPOSTE_SMS_FILE_PATH``."""

    _lock = threading.Lock()

    def __init__(self):
        self.path = Path(settings.RIPOSTE_SMS_FILE_PATH)

    def send(self, message: SmsMessage) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(message), ensure_ascii=False) + "\n")
        return message.reference

    def was_sent(self, reference: str) -> bool:
        if not self.path.exists():
            return False
        with self.path.open(encoding="utf-8") as lines:
            return any(json.loads(line)["reference"] == reference for line in lines if line.strip())


class MemoryBackend(BaseSmsBackend):
    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> str:
        MemoryBackend.outbox.append(message)
        return message.reference

    def was_sent(self, reference: str) -> bool:
        return any(m.reference == reference for m in MemoryBackend.outbox)


class InfobipBackend(BaseSmsBackend):
    """Infobip's SMS API v3: ``POST /sms/3/messages`` and ``GET /sms/3/logs``.

    ``INFOBIP_BASE_URL`` (the account's own API address) and ``INFOBIP_API_KEY``; the
    sender is ``RIPOSTE_SMS_SENDER`` (an alphanumeric sender such as "Riposte").
    """

    timeout = 10

    def __init__(self):
        import requests

        self.requests = requests
        self.base_url = settings.INFOBIP_BASE_URL.rstrip("/")
        self.headers = {
            "Authorization": f"App {settings.INFOBIP_API_KEY}",
            "Accept": "application/json",
        }

    def _call(self, method: str, path: str, **kwargs):
        try:
            response = self.requests.request(
                method, self.base_url + path, headers=self.headers, timeout=self.timeout, **kwargs
            )
        except self.requests.RequestException as exc:
            raise SmsUnavailable(str(exc)) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise SmsUnavailable(f"{response.status_code} {response.text[:200]}")
        if response.status_code >= 400:
            raise SmsError(f"{response.status_code} {response.text[:500]}")
        return response.json()

    def send(self, message: SmsMessage) -> str:
        body = {
            "messages": [
                {
                    "sender": settings.RIPOSTE_SMS_SENDER,
                    "destinations": [
                        {"to": message.to.lstrip("+"), "messageId": message.reference}
                    ],
                    "content": {"text": message.text},
                    **(
                        {"webhooks": {"delivery": {"url": message.status_url}}}
                        if message.status_url
                        else {}
                    ),
                }
            ]
        }
        data = self._call("POST", "/sms/3/messages", json=body)
        sent = (data.get("messages") or [{}])[0]
        group = (sent.get("status") or {}).get("groupName", "")
        if group == "REJECTED":
            raise SmsError(json.dumps(sent.get("status"))[:500])
        return sent.get("messageId") or message.reference

    def was_sent(self, reference: str) -> bool:
        data = self._call("GET", "/sms/3/logs", params={"messageId": reference})
        return bool(data.get("results"))


def backend() -> BaseSmsBackend:
    return import_string(settings.RIPOSTE_SMS_BACKEND)()


# What the provider's delivery report says, reduced to a few words we show.
DELIVERED = "delivered"
STATUS_GROUPS = {
    "PENDING": "pending",
    "DELIVERED": DELIVERED,
    "UNDELIVERABLE": "undeliverable",
    "EXPIRED": "expired",
    "REJECTED": "rejected",
}


def statuses_from_report(payload: dict) -> dict[str, str]:
    """Message reference -> status, from a delivery report (Infobip's ``results`` shape)."""
    found = {}
    for result in payload.get("results") or []:
        if not isinstance(result, dict):
            continue
        reference = str(result.get("messageId") or "")
        group = str((result.get("status") or {}).get("groupName") or "").upper()
        if reference and group in STATUS_GROUPS:
            found[reference] = STATUS_GROUPS[group]
    return found
