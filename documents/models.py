"""Claim dossiers rendered as PDF for the insurer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from incident_app.models import Incident


def dossier_path(instance, filename):
    return f"dossiers/{instance.incident.reference}-v{instance.version}.pdf"


class ClaimDossier(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RENDERING = "rendering", _("En cours de génération")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="dossiers")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progression (%)"), default=0)
    file = models.FileField(upload_to=dossier_path, blank=True, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    # When a worker claimed the rendering: a claim older than the task's time limit belongs
    # to a worker that died, and the dossier may be claimed again.  On a pending dossier,
    # when a worker handed it back for a retry: the sweep waits from then.
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    # How many claims of the rendering were abandoned (or are under way): a rendering whose
    # workers keep dying on it is given up.  A claim handed back for a retry is not counted.
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        # The table keeps the name it had when dossiers lived in the incident package.
        db_table = "incident_app_claimdossier"
        verbose_name = _("dossier de sinistre")
        verbose_name_plural = _("dossiers de sinistre")
        ordering = ["incident", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"], name="dossier_version")
        ]

    def __str__(self):
        return f"{self.incident.reference} v{self.version}"

    @property
    def is_under_way(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RENDERING)

    @property
    def filename(self) -> str:
        return f"{self.incident.reference}-v{self.version}.pdf"
