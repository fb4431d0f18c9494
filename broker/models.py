"""What the broker works with: requests to the client, notes, and each claim's summary row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClientRequest(models.Model):
    """The broker asks the company for an item of the claim (a checklist item or free text).

    asked → answered (the company wrote and attached files) → accepted (closed), or
    returned with a comment → answered again… Every move is journaled.
    """

    class Status(models.TextChoices):
        ASKED = "asked", _("Demandée")
        ANSWERED = "answered", _("Répondue, à vérifier")
        RETURNED = "returned", _("Renvoyée au client")
        ACCEPTED = "accepted", _("Acceptée")

    # The company has something to do.
    WAITING_FOR_COMPANY = (Status.ASKED, Status.RETURNED)
    OPEN = (Status.ASKED, Status.ANSWERED, Status.RETURNED)

    incident = models.ForeignKey(
        "incident_app.Incident", on_delete=models.CASCADE, related_name="client_requests"
    )
    item = models.CharField(_("élément de la liste"), max_length=64, blank=True)
    title = models.CharField(_("demande"), max_length=200)
    details = models.TextField(_("précisions"), blank=True)
    due_at = models.DateTimeField(_("à fournir avant le"))
    status = models.CharField(
        _("état"), max_length=16, choices=Status.choices, default=Status.ASKED
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    answer = models.TextField(_("réponse"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    evidence = models.ManyToManyField(
        "incident_app.Evidence", related_name="client_requests", blank=True
    )
    review_comment = models.TextField(_("commentaire du courtier"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    # Reminders of the due date, claimed by the sweep with a conditional UPDATE (sent once).
    reminded_soon_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("demande au client")
        verbose_name_plural = _("demandes au client")
        ordering = ["due_at", "pk"]
        indexes = [
            # The sweep's reminders of requests the company still has to answer.
            models.Index(
                fields=["due_at"],
                name="client_request_waiting_due",
                condition=Q(status__in=["asked", "returned"]),
            ),
        ]

    def __str__(self):
        return f"{self.incident} · {self.title}"

    @property
    def waits_for_company(self) -> bool:
        return self.status in self.WAITING_FOR_COMPANY

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.waits_for_company and self.due_at <= (now or timezone.now())


class BrokerNote(models.Model):
    """A broker's note on a claim: internal to the brokerage, or shared with the company."""

    incident = models.ForeignKey(
        "incident_app.Incident", on_delete=models.CASCADE, related_name="broker_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    shared = models.BooleanField(
        _("partagée avec l'entreprise"),
        default=False,
        help_text=_("Sinon, seuls les courtiers du cabinet la lisent."),
    )
    created_at = models.DateTimeField(_("écrite le"), default=timezone.now)

    class Meta:
        verbose_name = _("note du courtier")
        verbose_name_plural = _("notes du courtier")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.incident} · {self.text[:40]}"


class ClaimSummary(models.Model):
    """What the portfolio sorts and filters on, one row per incident, kept up to date when
    the incident's journal or its requests move (``broker.summary``).

    Computing completeness and deadlines for thousands of incidents on every page would
    cost more than the page; the rows are small and indexed for the portfolio's orders.
    """

    incident = models.OneToOneField(
        "incident_app.Incident",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="claim_summary",
    )
    present = models.PositiveSmallIntegerField(default=0)
    required = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(_("complétude (%)"), default=0)
    missing = models.JSONField(default=list)
    # The nearest deadline of a step still to do: overdue when in the past.
    next_due_at = models.DateTimeField(null=True, blank=True)
    open_requests = models.PositiveSmallIntegerField(default=0)
    answered_requests = models.PositiveSmallIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("synthèse du sinistre")
        verbose_name_plural = _("synthèses des sinistres")

    def __str__(self):
        return f"{self.incident_id}: {self.percent} %"
