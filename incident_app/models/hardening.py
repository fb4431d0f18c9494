"""Who may come into an incident from outside the company, and what watches the journal.

Platform staff open a company's incident only under an access grant they asked for with a
reason; a person joins a crisis cell only by accepting an invitation; a broken journal chain
is reported to staff once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import Organisation
from .incidents import Incident


class StaffAccessQuerySet(models.QuerySet):
    def live(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class StaffAccess(models.Model):
    """Platform staff may see one incident, for a while, for a reason the company reads."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="staff_accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_accesses"
    )
    reason = models.CharField(_("motif"), max_length=500)
    opened_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))

    objects = StaffAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès de l'équipe Riposte")
        verbose_name_plural = _("accès de l'équipe Riposte")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self):
        return f"{self.user} → {self.incident_id} ({self.opened_at:%Y-%m-%d %H:%M})"


class CellInvitation(models.Model):
    """A pending invitation to a company's crisis cell, accepted (or not) by the invitee.

    The link carries a signed token naming this row; the account is attached only when a
    signed-in person with the invited address accepts, so nobody is added without consent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    company = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="cell_invitations"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="cell_invitations"
    )
    email = models.EmailField(_("adresse"))
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation à la cellule de crise")
        verbose_name_plural = _("invitations à la cellule de crise")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.company}"

    def is_open(self, now=None) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > (now or timezone.now())


class JournalAlert(models.Model):
    """A break found in an incident's journal chain, reported to staff once."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    # Where and how it broke: the same break found again is the same alert.
    signature = models.CharField(max_length=200)
    description = models.TextField()
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alerte d'intégrité du journal")
        verbose_name_plural = _("alertes d'intégrité du journal")
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "signature"], name="one_alert_per_break")
        ]

    def __str__(self):
        return f"{self.incident_id}: {self.signature}"
