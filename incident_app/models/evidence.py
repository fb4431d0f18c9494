"""Evidence files: hashed at upload, stored privately, never altered."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Withdrawable

from .incidents import Incident, Step

# The extensions a downloaded file may keep for each type the upload check accepts
# (``incident_app.services.evidence``), the first one added when its name has none of them.
# The type is found in the content; the name is the sender's choice, and the operating
# system opens a file by its name: a ZIP named ``facture.jar`` would run as a program when
# double-clicked, a PDF named ``recu.exe`` too if it were one.
DOWNLOAD_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/zip": (".zip",),
    "message/rfc822": (".eml",),
    "text/plain": (".txt", ".log"),
    "text/csv": (".csv",),
    "text/html": (".html", ".htm"),
}
# A type stored before this list knew it: downloaded as opaque bytes nothing runs.
UNKNOWN_TYPE_EXTENSION = ".bin"


def evidence_path(instance, filename):
    # A random name: nothing in the path reveals the incident or the original file name.
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Scan(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("non analysé")
    CLEAN = "clean", _("analysé, sain")


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
    # What the antivirus said when the file came in; an infected file is never kept.
    scan = models.CharField(
        _("analyse antivirus"), max_length=16, choices=Scan.choices, default=Scan.NOT_SCANNED
    )

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        ordering = ["incident", "uploaded_at"]

    def __str__(self):
        return f"{self.original_name} ({self.sha256[:12]}…)"

    @property
    def download_name(self) -> str:
        """The name the file is downloaded under: always ending in an extension of its type.

        The original name is kept when its extension matches the type found in the content;
        otherwise the type's extension is added, so that opening the download opens a viewer,
        never a program: ``facture.jar`` (a ZIP) becomes ``facture.jar.zip``, and an HTA
        ransom note (an HTML application Windows runs, kept as plain text) ``….hta.txt``.
        """
        extensions = DOWNLOAD_EXTENSIONS.get(self.content_type, (UNKNOWN_TYPE_EXTENSION,))
        if self.original_name.lower().endswith(extensions):
            return self.original_name
        return f"{self.original_name}{extensions[0]}"
