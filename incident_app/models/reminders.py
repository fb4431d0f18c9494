"""Reminders of deadlines, and the notifications that deliver them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from playbooks.deadlines import DeadlineState, deadline_state

from .incidents import Incident, Step


class Reminder(models.Model):
    """A moment to remind people of a step's deadline: one row per step and offset."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.IntegerField(
        _("décalage (minutes avant l'échéance)"),
        help_text=_("0 pour l'échéance elle-même (retard)."),
    )
    fire_at = models.DateTimeField(_("à envoyer le"))
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        constraints = [
            models.UniqueConstraint(
                fields=["step", "offset_minutes"], name="one_reminder_per_offset"
            )
        ]
        indexes = [
            # The sweep: due reminders not yet claimed nor cancelled.
            models.Index(
                fields=["fire_at"],
                name="reminder_pending_fire_at",
                condition=Q(claimed_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.step} @ {self.fire_at:%Y-%m-%d %H:%M}"

    @property
    def is_overdue_notice(self) -> bool:
        """The reminder at the deadline itself: it escalates to the managers and the broker."""
        return self.offset_minutes == 0

    @property
    def says_overdue(self) -> bool:
        """Whether this reminder tells that the step is overdue: it is the deadline's notice
        and, when the sweep claimed it, the deadline had passed by the one rule of
        ``playbooks.deadlines``. A notice claimed at the due moment itself (still on time)
        says the step is due now; the sweep runs each minute, so in practice it is after."""
        if not self.is_overdue_notice:
            return False
        moment = self.claimed_at or timezone.now()
        # As the step stood then, open: a step done since does not change what was sent.
        state = deadline_state(due_at=self.step.due_at, done_at=None, now=moment)
        return state is DeadlineState.OVERDUE


class Notification(models.Model):
    """One message to one person on one channel; unique per reminder so it goes out once."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("Dans l'application")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        PUSH = "push", _("Notification sur le téléphone")

    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(_("canal"), max_length=16, choices=Channel.choices)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # Delivery is claimed before sending (a conditional UPDATE), so two workers holding the
    # same task never both send; the sweep re-dispatches what stays undelivered.
    dispatched_at = models.DateTimeField(_("confiée au worker le"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("remise le"), null=True, blank=True)
    lag = models.DurationField(_("retard de remise"), null=True, blank=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # What the provider (SMS) says became of the message, when it reports it.
    provider_reference = models.CharField(
        _("référence chez le fournisseur"), max_length=64, blank=True
    )
    provider_status = models.CharField(_("état chez le fournisseur"), max_length=32, blank=True)
    provider_status_at = models.DateTimeField(_("état reçu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "user", "channel"], name="one_notification_per_channel"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True, channel="in_app"),
            ),
            # The sweep's re-dispatch of deliveries lost by the broker or a killed worker.
            models.Index(
                fields=["dispatched_at"],
                name="notification_undelivered",
                condition=Q(delivered_at__isnull=True),
            ),
            # Lag percentiles of sweep_status and the admin.
            models.Index(fields=["delivered_at"], name="notification_delivered_at"),
        ]

    def __str__(self):
        return f"{self.channel} → {self.user}: {self.subject}"


# Without a saved preference: SMS for the last hour and the overdue notice.
DEFAULT_SMS_OFFSETS = (60, 0)


def default_sms_offsets() -> list[int]:
    return list(DEFAULT_SMS_OFFSETS)


class ReminderPreference(models.Model):
    """What a user chose to receive by e-mail; in-app notifications always appear.

    Overdue notices (offset 0) are never muted: missing a legal deadline such as the 72 h
    complaint (Code des assurances art. L12-10-1) can void the cover.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    muted_email_offsets = models.JSONField(
        _("rappels sans e-mail (minutes avant l'échéance)"), default=list, blank=True
    )
    # SMS cost money and wake people up: only the reminders chosen here, by default the last
    # hour and the overdue notice. Push follows the installed app's own opt-in per device.
    sms_offsets = models.JSONField(
        _("rappels par SMS (minutes avant l'échéance)"), default=default_sms_offsets, blank=True
    )
    muted_push_offsets = models.JSONField(
        _("rappels sans notification sur le téléphone"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("préférence de rappel")
        verbose_name_plural = _("préférences de rappel")

    def __str__(self):
        return str(self.user)

    def wants_email(self, offset_minutes: int) -> bool:
        return offset_minutes == 0 or offset_minutes not in self.muted_email_offsets

    def wants_sms(self, offset_minutes: int) -> bool:
        return offset_minutes in self.sms_offsets

    def wants_push(self, offset_minutes: int) -> bool:
        return offset_minutes == 0 or offset_minutes not in self.muted_push_offsets


class PushSubscription(models.Model):
    """One installed app (a browser on a phone) that agreed to receive notifications.

    Dropped when the push service says it is gone (HTTP 404 or 410): the person uninstalled
    the app or revoked the permission.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(
        _("adresse du service de notification"), max_length=1000, unique=True
    )
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    label = models.CharField(_("appareil"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("dernier envoi le"), null=True, blank=True)

    class Meta:
        verbose_name = _("appareil abonné")
        verbose_name_plural = _("appareils abonnés")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} — {self.label or self.endpoint[:40]}"

    def as_webpush(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class SweepRun(models.Model):
    """One pass of the deadline sweep, kept a few days to show the sweep is alive."""

    started_at = models.DateTimeField(_("début"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)
    claimed = models.PositiveIntegerField(_("rappels pris en charge"), default=0)
    notifications = models.PositiveIntegerField(_("notifications créées"), default=0)
    stale = models.PositiveIntegerField(_("rappels périmés"), default=0)
    failed = models.PositiveIntegerField(_("rappels en erreur"), default=0)
    redispatched = models.PositiveIntegerField(_("envois relancés"), default=0)

    class Meta:
        verbose_name = _("passage du balayage")
        verbose_name_plural = _("passages du balayage")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M:%S}"
