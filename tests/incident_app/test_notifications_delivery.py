"""Delivering a notification: claimed before sending, sent once, lag recorded, retried."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from incident_app.models import Notification, Reminder
from incident_app.services import notify
from incident_app.services.sweep import run_sweep
from incident_app.tasks import deliver_notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def email(incident, manager):
    """The e-mail of the complaint's T-24 h reminder, due one minute ago."""
    complaint = incident.steps.get(key="complaint")
    complaint.due_at = timezone.now() + timedelta(minutes=1439)
    complaint.save()
    Reminder.objects.filter(step=complaint, offset_minutes=1440).update(
        fire_at=complaint.due_at - timedelta(minutes=1440)
    )
    run_sweep()
    return Notification.objects.get(step=complaint, user=manager, channel="email")


def test_it_sends_the_e_mail_once_with_the_link_and_the_guidance(email, incident, mailoutbox):
    assert notify.deliver(email.pk) is True
    assert notify.deliver(email.pk) is False
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["manager@lefevre.example"]
    assert message.subject.startswith(f"[{incident.reference}] Rappel : ")
    assert "24 heures" in message.subject
    assert f"http://127.0.0.1:8000/incidents/{incident.reference}/" in message.body
    guidance = incident.steps.get(key="complaint").text("guidance")
    assert guidance.split(".")[0] in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="http://127.0.0.1:8000/incidents/{incident.reference}/">' in html
    assert message.extra_headers["Message-ID"] == f"<notification-{email.pk}@127.0.0.1>"
    email.refresh_from_db()
    assert email.delivered_at is not None and email.attempts == 1
    assert email.lag == email.delivered_at - email.reminder.fire_at
    assert timedelta(minutes=1) <= email.lag < timedelta(minutes=2)


def test_it_writes_in_the_recipient_s_language(email, incident, manager, mailoutbox):
    manager.language = "en"
    manager.save()
    notify.deliver(email.pk)
    due_at = incident.steps.get(key="complaint").due_at.astimezone(incident.company.zone)
    with translation.override("en"):
        english = date_format(due_at, "DATETIME_FORMAT")
    with translation.override("fr"):
        french = date_format(due_at, "DATETIME_FORMAT")
    assert english != french
    assert english in mailoutbox[0].body
    assert french not in mailoutbox[0].body
    assert translation.get_language() == "fr"  # the worker's language is left as it was


def test_it_does_nothing_when_another_worker_holds_the_claim(email, mailoutbox):
    Notification.objects.filter(pk=email.pk).update(claimed_at=email.created_at)
    assert notify.deliver(email.pk) is False
    assert mailoutbox == []


def test_it_releases_the_claim_when_the_mail_server_fails(email, monkeypatch, mailoutbox):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notify.deliver(email.pk)
    email.refresh_from_db()
    assert email.claimed_at is None and email.delivered_at is None
    assert "gone" in email.last_error and email.attempts == 1
    monkeypatch.undo()
    assert notify.deliver(email.pk) is True
    assert len(mail.outbox) == 1


def test_it_retries_the_task_on_smtp_errors(email, monkeypatch):
    calls = []

    def refuse(self, fail_silently=False):
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    # Run in-process, Celery's autoretry re-runs the task at once instead of after the
    # backoff: the first run and its 8 retries, each claiming and releasing the row.
    result = deliver_notification.apply(args=[email.pk])
    assert result.state == "FAILURE"
    assert len(calls) == 1 + deliver_notification.max_retries == 9
    email.refresh_from_db()
    assert email.attempts == 9 and email.claimed_at is None and email.delivered_at is None
    assert deliver_notification.acks_late is True


def test_it_delivers_in_app_notifications_on_creation(incident, manager):
    in_app = Notification.objects.filter(channel="in_app")
    run_sweep(now=incident.steps.get(key="complaint").due_at - timedelta(minutes=59))
    assert in_app.exists()
    assert not in_app.filter(delivered_at__isnull=True).exists()
