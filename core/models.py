"""Records kept for good: a mistaken one is withdrawn, with who, when and why, never deleted."""

from django.conf import settings
from django.db import models
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
