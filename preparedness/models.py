"""What a company prepares before any attack: who is in the crisis cell and how to reach them,
who may call the assistance hotline, whom to call for help, and the messages written ahead.

The assistance offers ask for exactly this in the continuity plan: the hotline number, the
people allowed to activate it, an emergency directory, and communication templates for several
scenarios.  The reflex sheet (``documents``) prints it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from incident_app.models import Organisation


class RosterEntry(models.Model):
    """One person of the crisis cell, with a mobile phone that works when the network does not."""

    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roster")
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(
        _("rôle dans la cellule"),
        max_length=200,
        help_text=_("Ex. : direction, informatique, communication, métiers."),
    )
    mobile = PhoneNumberField(_("téléphone mobile"))
    email = models.EmailField(_("adresse e-mail"), blank=True)
    may_call_hotline = models.BooleanField(
        _("peut appeler l'assistance"),
        default=False,
        help_text=_("Cette personne est autorisée à déclencher l'assistance cyber du contrat."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre de la cellule de crise")
        verbose_name_plural = _("cellule de crise")
        ordering = ["-may_call_hotline", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.role})"


class DirectoryEntry(models.Model):
    """A partner to call in an emergency: IT provider, host, bank fraud line, lawyer…"""

    class Kind(models.TextChoices):
        IT_PROVIDER = "it_provider", _("Prestataire informatique")
        HOSTING = "hosting", _("Hébergeur")
        BANK_FRAUD = "bank_fraud", _("Ligne fraude de la banque")
        LAWYER = "lawyer", _("Avocat")
        DPO = "dpo", _("DPO / délégué à la protection des données")
        BROKER = "broker", _("Courtier")
        OTHER = "other", _("Autre")

    # What every company should have at hand on the day (the broker is read from the policy).
    ESSENTIAL = (Kind.IT_PROVIDER, Kind.HOSTING, Kind.BANK_FRAUD, Kind.LAWYER, Kind.DPO)

    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="directory")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=200)
    phone = PhoneNumberField(_("téléphone"))
    email = models.EmailField(_("adresse e-mail"), blank=True)
    notes = models.CharField(_("précisions"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact d'urgence")
        verbose_name_plural = _("annuaire d'urgence")
        ordering = ["kind", "name", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class MessageTemplate(models.Model):
    """A crisis message written in calm times, adapted on the day."""

    class Audience(models.TextChoices):
        STAFF = "staff", _("Personnel")
        CLIENTS = "clients", _("Clients ou patients")
        PARTNERS = "partners", _("Partenaires et fournisseurs")
        PRESS = "press", _("Presse")

    company = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="message_templates"
    )
    audience = models.CharField(_("destinataires"), max_length=16, choices=Audience.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"), max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("modèle de message de crise")
        verbose_name_plural = _("modèles de messages de crise")
        ordering = ["audience", "title", "pk"]

    def __str__(self):
        return self.title
