"""A private iCalendar feed of the deadlines a user sees (RFC 5545).

Written by hand: the feed needs a handful of properties, and the three rules that matter
(CRLF line ends, folding at 75 octets without splitting a character, escaping of text) fit
in a few tested lines, where a library would be a dependency for little.
"""

import secrets
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation

from core.language import reader_language

from ..models import Incident, Step, User
from . import notify

# How long the event lasts in the calendar: deadlines are instants, a short block shows them.
EVENT_LENGTH = timedelta(minutes=30)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def regenerate(user: User) -> str:
    """Give the user a new feed address; the previous one stops working at once."""
    user.calendar_token = new_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def revoke(user: User) -> None:
    user.calendar_token = None
    user.save(update_fields=["calendar_token"])


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            # Continuation lines start with a space, which counts in their 75 octets.
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def format_utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def steps_for(user: User):
    """Open steps with a deadline, in incidents the user may see."""
    return (
        Step.objects.filter(
            incident__in=Incident.objects.visible_to(user),
            status=Step.Status.TODO,
            applicable=True,
            due_at__isnull=False,
        )
        .exclude(incident__status__in=[Incident.Status.CLOSED, Incident.Status.REFUSED])
        .select_related("incident", "incident__company")
        .order_by("due_at")
    )


def feed(user: User, now=None) -> str:
    """The VCALENDAR text of the user's feed, in the user's language."""
    now = now or timezone.now()
    host = urlsplit(settings.SITE_URL).hostname or "riposte"
    with translation.override(user.language or "fr"):
        lang = reader_language()
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Riposte//Deadlines//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape_text(translation.gettext("Échéances Riposte")),
        ]
        for step in steps_for(user):
            incident = step.incident
            title = f"[{incident.reference}] {step.text('title', lang)}"
            url = notify.incident_url(incident)
            description = "\n\n".join(p for p in (step.text("guidance", lang), url) if p)
            lines += [
                "BEGIN:VEVENT",
                f"UID:step-{step.pk}@{host}",
                "DTSTAMP:" + format_utc(now),
                "DTSTART:" + format_utc(step.due_at),
                "DTEND:" + format_utc(step.due_at + EVENT_LENGTH),
                "SUMMARY:" + escape_text(title),
                "DESCRIPTION:" + escape_text(description),
                "URL:" + url,
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "TRIGGER:-PT1H",
                "DESCRIPTION:" + escape_text(title),
                "END:VALARM",
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
