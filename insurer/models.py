"""Long work an auditor asks for: the period's compliance report, the journals' verification."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def report_path(instance, filename):
    return f"audit/compliance-{instance.pk}.pdf"


class AuditTask(models.Model):
    """One report or verification, run by the worker while the page shows its progress.

    ``filters`` are those of the dashboard when it was asked (``audit.Filters.as_dict``); the
    worker reads the portfolio again as the requester may see it when it runs.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("Rapport de conformité")
        VERIFICATION = "verification", _("Vérification des journaux")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        READY = "ready", _("Terminé")
        FAILED = "failed", _("Échec")

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    organisation = models.ForeignKey(
        "incident_app.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    language = models.CharField(max_length=8, default="fr")
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progression (%)"), default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Verification: {"checked": n, "intact": [...], "broken": [{"reference", "seq", ...}]}.
    result = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to=report_path, blank=True, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("tâche d'audit")
        verbose_name_plural = _("tâches d'audit")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_under_way(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def filename(self) -> str:
        return f"riposte-conformite-{self.pk}.pdf"
