"""Evidence files: hashed at upload, stored privately, never altered."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .incidents import Incident, Step
from .withdrawal import Withdrawable


def evidence_path(instance, filename):
    # A random name: nothing in the path reveals the incident or the original file name.
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Evidence(Withdrawable):
    """A file kept as proof; a mistaken upload is withdrawn with a reason, never deleted."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    step = models.ForeignKey(
        Step, on_delete=models.PROTECT, related_name="evidence", null=True, blank=True
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        ordering = ["incident", "uploaded_at"]

    def __str__(self):
        return f"{self.original_name} ({self.sha256[:12]}…)"

    @property
    def download_name(self) -> str:
        """The name the file is downloaded under.

        Windows runs an HTA file (an HTML application, a common form of ransom note) when it
        is double-clicked: it is downloaded as ``….hta.txt`` so that opening it shows text.
        """
        if self.original_name.lower().endswith(".hta"):
            return f"{self.original_name}.txt"
        return self.original_name
