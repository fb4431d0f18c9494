"""The claim's side of an incident: its state at the insurer with the history of changes,
and the outside experts (forensic provider, lawyer, loss adjuster) let in to read it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .incidents import Incident


class ClaimStateChange(models.Model):
    """One change of the claim's state (``Incident.status``): who, when, from what, why.

    Kept as rows rather than read back from the journal so that the company's page and the
    portfolio show the history without parsing journal entries; the journal records the same
    change in the same transaction.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="claim_state_changes"
    )
    from_state = models.CharField(_("état précédent"), max_length=16, choices=Incident.Status)
    to_state = models.CharField(_("nouvel état"), max_length=16, choices=Incident.Status)
    note = models.TextField(_("note"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    changed_by_label = models.CharField(_("par"), max_length=200)
    changed_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("changement d'état du sinistre")
        verbose_name_plural = _("changements d'état du sinistre")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.incident} {self.from_state} → {self.to_state}"


class ExpertAccessQuerySet(models.QuerySet):
    def active(self, now=None):
        """Grants that let their expert in now: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ExpertAccess(models.Model):
    """A named outside person's read-only access to one incident, for a limited time.

    The expert signs in with their own account; ``Incident.objects.visible_to`` counts a
    grant only when the page asks for a part the grant covers (journal, evidence, dossier),
    so none of the company's own pages opens to an expert.
    """

    class Role(models.TextChoices):
        FORENSIC = "forensic", _("Expert informatique (forensic)")
        LAWYER = "lawyer", _("Avocat")
        LOSS_ADJUSTER = "loss_adjuster", _("Expert d'assurance")
        OTHER = "other", _("Autre")

    class Part(models.TextChoices):
        JOURNAL = "journal", _("Journal")
        EVIDENCE = "evidence", _("Preuves")
        DOSSIER = "dossier", _("Dossier de sinistre")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="expert_grants")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_grants"
    )
    name = models.CharField(_("nom de l'expert"), max_length=200)
    firm = models.CharField(_("cabinet"), max_length=200, blank=True)
    role = models.CharField(_("qualité"), max_length=16, choices=Role.choices)
    sees_journal = models.BooleanField(_("voit le journal"), default=False)
    sees_evidence = models.BooleanField(_("voit les preuves"), default=False)
    sees_dossier = models.BooleanField(_("voit le dossier de sinistre"), default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = ExpertAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès d'expert")
        verbose_name_plural = _("accès d'experts")
        ordering = ["-granted_at"]
        indexes = [
            # visible_to: the incidents an expert may open now.
            models.Index(
                fields=["expert", "expires_at"],
                name="expert_access_active",
                condition=Q(revoked_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.name} → {self.incident}"

    def sees(self, part: str) -> bool:
        return bool(getattr(self, f"sees_{part}", False))

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def parts(self) -> list[str]:
        return [part for part in self.Part.values if self.sees(part)]
