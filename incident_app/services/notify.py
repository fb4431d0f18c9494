"""Who is told about a deadline, on which channels, with which words; and delivery.

The sweep only asks this module for recipients and channels and hands each notification to
``dispatch``. A new channel (SMS, webhook) is one ``Channel`` subclass registered here, plus
its choice on ``Notification.Channel``; the sweep does not change.

Delivery is claim-then-send: ``deliver`` sets ``claimed_at`` with a conditional UPDATE and
only the caller that changed the row sends. A duplicated or retried task finds the claim and
does nothing. What the claim cannot cover is a worker killed after the message left but
before ``delivered_at`` was written; the sweep releases such claims after a lease longer than
the task's time limit and sends again, with the same ``Message-ID``, so a reminder is never
lost and, in that narrow window only, arrives twice as one recognisable message. An SMS
closes that window: before sending again, it asks the provider whether our reference already
left (``SmsChannel``). A push sent again keeps its topic and tag: the phone shows it once.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.language import reader_language

from ..models import (
    DEFAULT_SMS_OFFSETS,
    Membership,
    Notification,
    PushSubscription,
    Reminder,
    ReminderPreference,
    User,
)
from . import sms

logger = logging.getLogger(__name__)

# The incident page; the home page is the fallback (e.g. a deployment without the wizard).
INCIDENT_URL_NAMES = ("incident_detail",)


class Channel:
    """A way to reach a user. ``send`` raises on failure; the task retries."""

    code: str = ""
    # In-app notifications exist once their row exists: nothing to send.
    delivered_on_creation = False

    def wants(self, user: User, reminder: Reminder) -> bool:
        return True

    def send(self, notification: Notification) -> dict | None:
        """Send; may return fields of the notification to record with its delivery."""
        raise NotImplementedError


class InAppChannel(Channel):
    code = Notification.Channel.IN_APP
    delivered_on_creation = True

    def send(self, notification: Notification) -> None:
        return None


class EmailChannel(Channel):
    code = Notification.Channel.EMAIL

    def wants(self, user: User, reminder: Reminder) -> bool:
        if not user.email:
            return False
        try:
            # Usually loaded with the user (select_related) by the sweep's Audience.
            preference = user.reminder_preference
        except ReminderPreference.DoesNotExist:
            return True
        return preference.wants_email(reminder.offset_minutes)

    def send(self, notification: Notification) -> None:
        user = notification.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            if notification.reminder_id is None:
                # An announcement (``announce``): its words were written when it was made.
                context = {
                    "user": user,
                    "notification": notification,
                    "url": incident_url(notification.incident),
                }
                subject = notification.subject
                text = render_to_string("emails/announcement.txt", context)
                html = render_to_string("emails/announcement.html", context)
            else:
                context = message_context(notification.reminder, user)
                subject = " ".join(render_to_string("emails/reminder_subject.txt", context).split())
                text = render_to_string("emails/reminder.txt", context)
                html = render_to_string("emails/reminder.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers={
                # Stable per notification: a resend after a crash is the same message.
                "Message-ID": f"<notification-{notification.pk}@{_mail_domain()}>",
                "X-Riposte-Notification": str(notification.pk),
            },
        )
        message.attach_alternative(html, "text/html")
        message.send()


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "riposte"


def _preference(user: User) -> ReminderPreference | None:
    try:
        # Usually loaded with the user (select_related) by the sweep's Audience.
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return None


def _in_company(user: User, company_id: int) -> bool:
    return any(
        m.organisation_id == company_id and m.role in Membership.COMPANY_ROLES
        for m in user.current_memberships
    )


def sms_reference(notification: Notification) -> str:
    """Ours, the same at every attempt: the provider's message ID, checked before a resend."""
    return f"riposte-{notification.pk}"


SMS_STATUS_SALT = "incident_app.sms-status"


def sms_status_url(notification: Notification) -> str:
    """Where the provider reports delivery: signed for this notification and no other."""
    token = signing.Signer(salt=SMS_STATUS_SALT).sign(str(notification.pk))
    return settings.SITE_URL + reverse("sms_status", kwargs={"token": token})


class SmsChannel(Channel):
    """A short text to the verified mobile of the company's people (the crisis cell and
    the manager), for the reminders each of them chose; a broker is reached by e-mail."""

    code = Notification.Channel.SMS

    def wants(self, user: User, reminder: Reminder) -> bool:
        if not user.verified_mobile:
            return False
        preference = _preference(user)
        offsets = preference.sms_offsets if preference else DEFAULT_SMS_OFFSETS
        if reminder.offset_minutes not in offsets:
            return False
        return _in_company(user, reminder.step.incident.company_id)

    def send(self, notification: Notification) -> dict | None:
        backend = sms.backend()
        reference = sms_reference(notification)
        if notification.attempts > 1 and backend.was_sent(reference):
            # An earlier attempt reached the provider but died before saying so.
            return {"provider_reference": reference}
        user = notification.user
        if not user.verified_mobile:
            # The number was removed or changed (not yet verified) since the reminder fired.
            return {"provider_status": "no_number"}
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = message_context(notification.reminder, user)
            text = " ".join(render_to_string("sms/reminder.txt", context).split())
        provider_reference = backend.send(
            sms.SmsMessage(
                to=str(user.mobile),
                text=text,
                reference=reference,
                status_url=sms_status_url(notification),
            )
        )
        return {"provider_reference": provider_reference[:64]}


def vapid_key():
    """The server's VAPID key, from PEM (several lines) or one line of base64url DER."""
    from py_vapid import Vapid

    key = settings.RIPOSTE_VAPID_PRIVATE_KEY.strip()
    if "-----BEGIN" in key:
        return Vapid.from_pem(key.encode())
    return Vapid.from_string(private_key=key)


class PushChannel(Channel):
    """A notification on each device where the person installed the app and said yes.

    A resend after a crash carries the same ``Topic`` (the push service keeps one pending
    message per topic) and the same ``tag`` (the phone shows one notification per tag), so
    the person sees it once. A device the push service reports gone is forgotten.
    """

    code = Notification.Channel.PUSH

    def wants(self, user: User, reminder: Reminder) -> bool:
        if not settings.RIPOSTE_VAPID_PRIVATE_KEY:
            return False
        if not _in_company(user, reminder.step.incident.company_id):
            return False
        preference = _preference(user)
        if preference and not preference.wants_push(reminder.offset_minutes):
            return False
        return bool(user.push_subscriptions.all())

    def send(self, notification: Notification) -> dict | None:
        from pywebpush import WebPushException, webpush

        user = notification.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = message_context(notification.reminder, user)
            title = " ".join(render_to_string("emails/reminder_subject.txt", context).split())
        payload = json.dumps(
            {
                "title": title,
                "body": notification.body,
                "url": incident_path(notification.incident),
                "tag": f"riposte-notification-{notification.pk}",
            }
        )
        sent = 0
        for device in PushSubscription.objects.filter(user=user):
            try:
                webpush(
                    device.as_webpush(),
                    data=payload,
                    vapid_private_key=vapid_key(),
                    vapid_claims={"sub": settings.RIPOSTE_VAPID_SUBJECT},
                    ttl=24 * 3600,
                    headers={"Topic": f"n{notification.pk}", "Urgency": "high"},
                    timeout=10,
                )
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):
                    logger.info("Push device %s is gone, dropped", device.pk)
                    device.delete()
                    continue
                raise ConnectionError(str(exc)) from exc
            sent += 1
            PushSubscription.objects.filter(pk=device.pk).update(last_sent_at=timezone.now())
        return {"provider_status": "sent" if sent else "no_device"}


CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    CHANNELS[channel.code] = channel
    return channel


register(InAppChannel())
register(EmailChannel())
register(SmsChannel())
register(PushChannel())


def channels() -> list[Channel]:
    return list(CHANNELS.values())


class Audience:
    """Who belongs where, asked once per sweep rather than once per reminder."""

    def __init__(self):
        self._members: dict[tuple[int, str], list[User]] = {}

    def members(self, organisation_id: int, role: str) -> list[User]:
        key = (organisation_id, role)
        if key not in self._members:
            self._members[key] = list(
                User.objects.filter(
                    is_active=True,
                    memberships__organisation_id=organisation_id,
                    memberships__role=role,
                )
                .select_related("reminder_preference")
                .prefetch_related("memberships", "push_subscriptions")
                .order_by("pk")
            )
        return self._members[key]


def recipients(reminder: Reminder, audience: Audience | None = None) -> list[User]:
    """Who hears about this reminder.

    Before the deadline: the step's assignee, else the company's managers. At the deadline
    (the overdue notice) it escalates: the assignee, the company's managers and the broker
    who placed the policy.
    """
    audience = audience or Audience()
    step = reminder.step
    incident = step.incident
    people: list[User] = []
    assignee = step.assignee if step.assignee_id and step.assignee.is_active else None
    if assignee:
        people.append(assignee)
    if reminder.is_overdue_notice or not assignee:
        people.extend(audience.members(incident.company_id, Membership.Role.MANAGER))
    if reminder.is_overdue_notice:
        people.extend(audience.members(incident.policy.broker_id, Membership.Role.BROKER))
    seen: set[int] = set()
    unique = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def incident_path(incident) -> str:
    for name in INCIDENT_URL_NAMES:
        try:
            return reverse(name, kwargs={"reference": incident.reference})
        except NoReverseMatch:
            continue
    return reverse("home")


def incident_url(incident) -> str:
    return settings.SITE_URL + incident_path(incident)


def offset_label(offset_minutes: int) -> str:
    if offset_minutes % 60 == 0:
        hours = offset_minutes // 60
        return ngettext("%(count)d heure", "%(count)d heures", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", offset_minutes) % {
        "count": offset_minutes
    }


def message_context(reminder: Reminder, user: User) -> dict:
    """What the subject, text and HTML of a reminder say, in the active language."""
    step = reminder.step
    incident = step.incident
    lang = reader_language()
    return {
        "user": user,
        "incident": incident,
        "step": step,
        "reminder": reminder,
        "overdue": reminder.says_overdue,
        "title": step.text("title", lang),
        "guidance": step.text("guidance", lang),
        "due_at": step.due_at,
        "zone": incident.company.timezone,
        "offset": offset_label(reminder.offset_minutes),
        "url": incident_url(incident),
        "preferences_url": settings.SITE_URL + reverse("notification_preferences"),
    }


def in_app_text(reminder: Reminder, user: User) -> tuple[str, str]:
    """Subject and body stored on the notification, in the recipient's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = message_context(reminder, user)
        subject = " ".join(render_to_string("emails/reminder_subject.txt", context).split())
        if reminder.says_overdue:
            body = _("L'échéance est dépassée : faites-le maintenant et gardez la preuve.")
        else:
            body = _("À faire dans %(offset)s.") % {"offset": context["offset"]}
    return subject[:255], body


@dataclass
class Created:
    notification: Notification
    created: bool


def create_for(reminder: Reminder, now, audience: Audience | None = None) -> list[Created]:
    """The notifications of one claimed reminder: one per recipient and channel.

    Rows already there (which only a reprocessed reminder could have) are kept as they are,
    and the unique (reminder, user, channel) constraint refuses any second one.
    """
    existing = {
        (n.user_id, n.channel): n
        for n in Notification.objects.filter(reminder=reminder).select_related("user")
    }
    made = [Created(n, False) for n in existing.values()]
    new = []
    lag = max(now - reminder.fire_at, timedelta(0))
    texts: dict[str, tuple[str, str]] = {}
    for user in recipients(reminder, audience):
        wanted = [
            channel
            for channel in channels()
            if (user.pk, channel.code) not in existing and channel.wants(user, reminder)
        ]
        if not wanted:
            continue
        language = user.language or settings.LANGUAGE_CODE
        if language not in texts:
            # The subject and body do not name the user: written once per language.
            texts[language] = in_app_text(reminder, user)
        subject, body = texts[language]
        for channel in wanted:
            new.append(
                Notification(
                    reminder=reminder,
                    incident_id=reminder.step.incident_id,
                    step=reminder.step,
                    user=user,
                    channel=channel.code,
                    subject=subject,
                    body=body,
                    delivered_at=now if channel.delivered_on_creation else None,
                    lag=lag if channel.delivered_on_creation else None,
                    dispatched_at=None if channel.delivered_on_creation else now,
                )
            )
    for notification in Notification.objects.bulk_create(new):
        made.append(Created(notification, True))
        if not CHANNELS[notification.channel].delivered_on_creation:
            dispatch(notification.pk)
    return made


def announce(incident, users, words: Callable[[], tuple[str, str]], now=None) -> int:
    """Tell people about something done on an incident (a request of the broker, a shared
    note, a new state of the claim), in the app and by e-mail, each in their language.

    ``words`` returns the subject and the body in the active language; it is called once per
    language. Not tied to a reminder, so no preference mutes it: delivery is the same
    claim-then-send ``deliver`` as for reminders, after the caller's transaction commits.
    """
    now = now or timezone.now()
    texts: dict[str, tuple[str, str]] = {}
    rows = []
    for user in {user.pk: user for user in users if user.is_active}.values():
        language = user.language or settings.LANGUAGE_CODE
        if language not in texts:
            with translation.override(language):
                subject, body = words()
            texts[language] = (str(subject)[:255], str(body))
        subject, body = texts[language]
        rows.append(
            Notification(
                incident=incident,
                user=user,
                channel=Notification.Channel.IN_APP,
                subject=subject,
                body=body,
                delivered_at=now,
                lag=timedelta(0),
            )
        )
        if user.email:
            rows.append(
                Notification(
                    incident=incident,
                    user=user,
                    channel=Notification.Channel.EMAIL,
                    subject=subject,
                    body=body,
                    dispatched_at=now,
                )
            )
    made = Notification.objects.bulk_create(rows)
    for notification in made:
        if notification.channel == Notification.Channel.EMAIL:
            dispatch(notification.pk)
    from . import bell

    bell.counts_changed(n.user_id for n in made)
    return len(made)


def company_managers(incident) -> list[User]:
    return Audience().members(incident.company_id, Membership.Role.MANAGER)


def dispatch(pk: int) -> None:
    """Hand a notification to the worker once the transaction that wrote it commits."""
    from ..tasks import deliver_notification

    deliver_notification.delay_on_commit(pk)


def deliver(pk: int, now=None) -> bool:
    """Send one notification if nobody else is or was sending it. True if sent here."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=pk, delivered_at__isnull=True, claimed_at__isnull=True
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return False
    notification = Notification.objects.select_related(
        "user", "reminder__step__incident__company"
    ).get(pk=pk)
    channel = CHANNELS.get(notification.channel)
    try:
        if channel is None:
            raise LookupError(f"No channel {notification.channel!r}")
        recorded = channel.send(notification) or {}
    except Exception as exc:
        # Release the claim so a retry may send; nothing left the building.
        Notification.objects.filter(pk=pk).update(claimed_at=None, last_error=repr(exc)[:2000])
        raise
    delivered_at = timezone.now()
    due = notification.reminder.fire_at if notification.reminder else notification.created_at
    Notification.objects.filter(pk=pk).update(
        delivered_at=delivered_at,
        lag=max(delivered_at - due, timedelta(0)),
        last_error="",
        **recorded,
    )
    return True


def redispatch(now=None) -> int:
    """Hand again to the worker what a lost message or a killed worker left undelivered.

    Unclaimed and not dispatched for ``RIPOSTE_REDISPATCH_AFTER_SECONDS``: the message was
    lost (or is stuck behind a dead worker's unacknowledged queue); claimed for longer than
    ``RIPOSTE_DELIVERY_LEASE_SECONDS``: the worker died while sending.
    """
    now = now or timezone.now()
    in_app = [c.code for c in channels() if c.delivered_on_creation]
    pending = Notification.objects.filter(
        delivered_at__isnull=True, attempts__lt=settings.RIPOSTE_DELIVERY_MAX_ATTEMPTS
    ).exclude(channel__in=in_app)
    lease = now - timedelta(seconds=settings.RIPOSTE_DELIVERY_LEASE_SECONDS)
    expired = pending.filter(claimed_at__lt=lease)
    for pk in expired.values_list("pk", flat=True)[:500]:
        logger.warning("Notification %s: send interrupted, sending again", pk)
    expired.update(claimed_at=None, dispatched_at=None, last_error="interrupted while sending")
    stale = now - timedelta(seconds=settings.RIPOSTE_REDISPATCH_AFTER_SECONDS)
    pks = list(
        pending.filter(claimed_at__isnull=True, dispatched_at__lt=stale).values_list(
            "pk", flat=True
        )[:500]
    ) + list(
        pending.filter(claimed_at__isnull=True, dispatched_at__isnull=True).values_list(
            "pk", flat=True
        )[:500]
    )
    if pks:
        Notification.objects.filter(pk__in=pks).update(dispatched_at=now)
        for pk in pks:
            dispatch(pk)
    return len(pks)
