"""Records kept for good: a mistaken one is withdrawn, with who, when and why, never deleted."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Withdrawable(models.Model):
    """Evidence uploaded or a cost entered by mistake stays listed once withdrawn; what
    counts (an estimate, a quota of kept files…) decides whether withdrawn ones count."""

    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("retiré par"),
    )
    withdrawn_reason = models.CharField(_("motif du retrait"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def record_withdrawal(self, *, user, reason: str, now) -> None:
        """Write who withdrew it, when and why. The caller checked the reason and holds the
        row's lock, so that two withdrawals at once cannot both pass."""
        self.withdrawn_at = now
        self.withdrawn_by = user
        self.withdrawn_reason = reason[:500]
        self.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])


class SecurityEvent(models.Model):
    """One line of the security log: who did what, when, from where.

    Written through ``core.security.record``; kept ``RIPOSTE_SECURITY_LOG_DAYS`` days, then
    purged by a periodic task.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Connexion")
        SIGN_IN_FAILED = "sign_in_failed", _("Échec de connexion")
        SIGN_OUT = "sign_out", _("Déconnexion")
        REFUSED = "refused", _("Accès refusé")
        DOWNLOAD = "download", _("Téléchargement")
        EXPORT = "export", _("Export")
        STAFF_ACCESS = "staff_access", _("Accès de l'équipe Riposte")

    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(_("date et heure"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    # The address typed at a failed sign-in, or the account's at the time.
    username = models.CharField(_("identifiant"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)
    path = models.CharField(_("adresse demandée"), max_length=500, blank=True)
    # What it was about: an incident reference, an evidence or dossier number...
    target = models.CharField(_("objet"), max_length=200, blank=True)
    data = models.JSONField(_("données"), default=dict, blank=True)

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("journal de sécurité")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
