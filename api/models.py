"""API tokens and webhooks of the organisations whose systems read Riposte."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "rip_"


def hash_token(raw: str) -> str:
    # The token is 32 random bytes: a plain SHA-256 is as good as a password hash here, and
    # lets each request find its token by an indexed lookup.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A secret a system of an organisation presents to read what its members may see.

    Only its hash is kept: the token is shown once, when it is made.
    """

    organisation = models.ForeignKey(
        "incident_app.Organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nom"), max_length=100)
    # The first characters, shown in lists so that people know which token is which.
    prefix = models.CharField(max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, organisation, name: str, created_by) -> tuple["ApiToken", str]:
        """A new token and its secret, which is never stored nor shown again."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            organisation=organisation,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            token_hash=hash_token(raw),
            created_by=created_by,
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEndpoint(models.Model):
    """An address of an organisation's system that receives the events it subscribed to."""

    class Event(models.TextChoices):
        INCIDENT_DECLARED = "incident.declared", _("Incident déclaré")
        STEP_DONE = "step.done", _("Étape faite")
        DEADLINE_MISSED = "deadline.missed", _("Échéance dépassée")
        CLAIM_STATE_CHANGED = "claim.state_changed", _("État du sinistre modifié")
        DOSSIER_READY = "dossier.ready", _("Dossier de sinistre prêt")

    organisation = models.ForeignKey(
        "incident_app.Organisation", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("adresse"), max_length=500)
    # The shared secret of the signatures; shown once, like an API token.
    secret = models.CharField(max_length=64, editable=False)
    events = models.JSONField(_("événements"), default=list)
    active = models.BooleanField(_("actif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at"]

    def __str__(self):
        return self.url

    @staticmethod
    def new_secret() -> str:
        return "whsec_" + secrets.token_urlsafe(32)


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, and the delivery log.

    Written in the transaction of the change it tells, so an event is never lost nor sent
    for a change rolled back; ``event_id`` is the same on every attempt, for the receiver to
    recognise a delivery it already acknowledged.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        DELIVERED = "delivered", _("Remis")
        FAILED = "failed", _("Abandonné")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("événement"), max_length=32)
    event_id = models.UUIDField(_("identifiant"))
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    # Claimed by a worker until then: another worker leaves it alone meanwhile.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("code HTTP"), null=True, blank=True)
    last_error = models.CharField(_("erreur"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("remis le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de webhook")
        verbose_name_plural = _("envois de webhook")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="one_delivery_per_event")
        ]
        indexes = [
            # The retry sweep (``deliveries.due``) reads pending rows by their next attempt.
            models.Index(
                fields=["next_attempt_at"], name="webhook_due", condition=Q(status="pending")
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id}"
