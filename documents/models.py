"""Claim dossiers rendered as PDF for the insurer."""

from datetime import timedelta

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


class DataBreachNotification(models.Model):
    """A notification of a personal-data breach to the CNIL (France) or the CNPD (Luxembourg).

    Holds the content GDPR art. 33(3) requires, prefilled from the incident and the company
    profile and completed by the company; an incident may have an initial notification and
    complementary ones (art. 33(4): "information may be provided in phases").  The
    authority's acknowledgement (its number and receipt) completes the proof of the
    ``dpa_notification`` step.
    """

    class Phase(models.TextChoices):
        INITIAL = "initial", _("Initiale")
        COMPLEMENTARY = "complementary", _("Complémentaire")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="data_breach_notifications"
    )
    phase = models.CharField(
        _("notification"), max_length=16, choices=Phase.choices, default=Phase.INITIAL
    )
    nature = models.TextField(
        _("nature de la violation"),
        blank=True,
        help_text=_(
            "Ce qui s'est passé : perte de confidentialité, d'intégrité, de disponibilité."
        ),
    )
    people_categories = models.TextField(
        _("catégories de personnes concernées"),
        blank=True,
        help_text=_("Ex. : patients, salariés, clients, fournisseurs."),
    )
    people_count = models.PositiveIntegerField(
        _("nombre approximatif de personnes"), null=True, blank=True
    )
    record_categories = models.TextField(
        _("catégories de données concernées"),
        blank=True,
        help_text=_("Ex. : identité, coordonnées, données de santé, coordonnées bancaires."),
    )
    record_count = models.PositiveIntegerField(
        _("nombre approximatif d'enregistrements"), null=True, blank=True
    )
    contact = models.CharField(
        _("DPO ou point de contact"),
        max_length=300,
        blank=True,
        help_text=_("Nom et coordonnées de la personne que l'autorité peut joindre."),
    )
    consequences = models.TextField(_("conséquences probables"), blank=True)
    measures_taken = models.TextField(_("mesures prises"), blank=True)
    measures_proposed = models.TextField(_("mesures envisagées"), blank=True)
    delay_reasons = models.TextField(
        _("motifs du retard"),
        blank=True,
        help_text=_(
            "Obligatoire quand la notification part plus de 72 heures après la découverte."
        ),
    )
    acknowledgement_number = models.CharField(
        _("numéro de l'accusé de réception"), max_length=100, blank=True
    )
    acknowledged_at = models.DateTimeField(_("notifiée le"), null=True, blank=True)
    acknowledgement = models.ForeignKey(
        "incident_app.Evidence",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("accusé de réception"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification de violation de données")
        verbose_name_plural = _("notifications de violation de données")
        ordering = ["incident", "created_at", "pk"]

    def __str__(self):
        return f"{self.incident.reference} — {self.get_phase_display()}"

    @property
    def authority(self) -> str:
        return "CNPD" if self.incident.company.country == "LU" else "CNIL"

    @property
    def aware_at(self):
        """When the breach became known: the art. 33(1) anchor of the 72 hours."""
        return self.incident.personal_data_aware_at or self.incident.discovered_at

    @property
    def due_at(self):
        return self.aware_at + NOTIFICATION_DELAY

    def is_late(self, at) -> bool:
        """Whether notifying at ``at`` is past the 72 hours of art. 33(1)."""
        return at > self.due_at

    @property
    def is_acknowledged(self) -> bool:
        return bool(self.acknowledgement_number)

    def missing(self, at) -> list[str]:
        """What the authority will ask for and the notification does not say yet (art. 33(3))."""
        missing = []
        if not self.nature.strip():
            missing.append(_("la nature de la violation"))
        if not self.people_categories.strip():
            missing.append(_("les catégories de personnes concernées"))
        if self.people_count is None:
            missing.append(_("le nombre approximatif de personnes"))
        if not self.record_categories.strip():
            missing.append(_("les catégories de données concernées"))
        if self.record_count is None:
            missing.append(_("le nombre approximatif d'enregistrements"))
        if not self.contact.strip():
            missing.append(_("le DPO ou le point de contact"))
        if not self.consequences.strip():
            missing.append(_("les conséquences probables"))
        if not (self.measures_taken.strip() or self.measures_proposed.strip()):
            missing.append(_("les mesures prises ou envisagées"))
        if self.is_late(at) and not self.delay_reasons.strip():
            missing.append(_("les motifs du retard (plus de 72 heures)"))
        company = self.incident.company
        if not company.registration_number:
            missing.append(
                _("le numéro SIREN de l'entreprise")
                if company.country == "FR"
                else _("le numéro RCS de l'entreprise")
            )
        if not company.legal_representative:
            missing.append(_("le représentant légal de l'entreprise"))
        return [str(item) for item in missing]


# GDPR art. 33(1): "not later than 72 hours after having become aware of it".
NOTIFICATION_DELAY = timedelta(hours=72)


class ComplaintLetter(models.Model):
    """The company's police complaint, as a letter to the prosecutor or to hand in at a station.

    Companies cannot use the online complaint service meant for private persons: they file at
    a police or gendarmerie station or write to the procureur de la République (in Luxembourg
    the Procureur d'État).  The text is prefilled from the incident and its journal and may be
    edited before printing; the receipt is then recorded on the ``complaint`` step.
    """

    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="complaint_letter"
    )
    addressee = models.TextField(_("destinataire"), blank=True)
    facts = models.TextField(_("les faits"), blank=True)
    systems = models.TextField(_("systèmes touchés"), blank=True)
    ransom = models.TextField(
        _("demande de rançon"),
        blank=True,
        help_text=_("Montant, moyen de paiement, adresse de contact laissée : sans y répondre."),
    )
    damage = models.TextField(_("préjudice à ce jour"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lettre de plainte")
        verbose_name_plural = _("lettres de plainte")

    def __str__(self):
        return f"{self.incident.reference} — {self._meta.verbose_name}"

    def missing(self) -> list[str]:
        missing = []
        if not self.facts.strip():
            missing.append(_("les faits"))
        if not self.systems.strip():
            missing.append(_("les systèmes touchés"))
        if not self.damage.strip():
            missing.append(_("le préjudice à ce jour"))
        company = self.incident.company
        if not company.registration_number:
            missing.append(_("le numéro d'immatriculation de l'entreprise"))
        if not company.legal_representative:
            missing.append(_("le représentant légal de l'entreprise"))
        if not company.address:
            missing.append(_("l'adresse de l'entreprise"))
        return [str(item) for item in missing]


def rendered_path(instance, filename):
    return f"documents/{instance.kind}/{instance.company_id}/{instance.filename}"


class RenderedDocument(models.Model):
    """One rendering of a printable paper: the reflex sheet, a notification, a complaint letter.

    Rendered by the worker like the claim dossier (``services.rendering`` holds the state
    machine for every kind): each request adds a version, whose file is kept with its SHA-256.
    """

    class Kind(models.TextChoices):
        REFLEX_SHEET = "reflex_sheet", _("Fiche réflexe")
        NOTIFICATION = "notification", _("Notification de violation de données")
        COMPLAINT = "complaint", _("Lettre de plainte")

    Status = ClaimDossier.Status

    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    company = models.ForeignKey(
        "incident_app.Organisation", on_delete=models.PROTECT, related_name="rendered_documents"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="rendered_documents", null=True, blank=True
    )
    notification = models.ForeignKey(
        DataBreachNotification,
        on_delete=models.PROTECT,
        related_name="renderings",
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"))
    lang = models.CharField(_("langue"), max_length=8, default="fr")
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progression (%)"), default=0)
    file = models.FileField(upload_to=rendered_path, blank=True, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("document imprimable")
        verbose_name_plural = _("documents imprimables")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # The sweep looks for renderings under way that look stuck.
            models.Index(fields=["status"], name="rendered_document_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_under_way(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RENDERING)

    @property
    def filename(self) -> str:
        stem = {
            self.Kind.REFLEX_SHEET: "fiche-reflexe",
            self.Kind.NOTIFICATION: "notification",
            self.Kind.COMPLAINT: "plainte",
        }[self.kind]
        target = self.incident.reference if self.incident_id else str(self.company_id)
        return f"{stem}-{target}-v{self.version}-{self.lang}.pdf"
