"""Insurance policies and their guarantees."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE_MONEY = [MinValueValidator(Decimal("0"))]

# Code des assurances art. L113-2 4°: the contract may not set a declaration delay shorter
# than five working days.
MIN_CLAIM_DECLARATION_DAYS = 5


class PolicyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The policies a user may see: those where one of their organisations is a party."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        org_ids = user.memberships.values("organisation_id")
        return self.filter(
            Q(company_id__in=org_ids) | Q(broker_id__in=org_ids) | Q(insurer_id__in=org_ids)
        )


class Policy(models.Model):
    """A cyber-insurance contract of one company, placed by a broker with an insurer."""

    class Jurisdiction(models.TextChoices):
        FR = "FR", _("France")
        LU = "LU", _("Luxembourg")

    company = models.ForeignKey(
        "incident_app.Organisation",
        on_delete=models.PROTECT,
        related_name="policies",
        limit_choices_to={"kind": "company"},
        verbose_name=_("assuré"),
    )
    broker = models.ForeignKey(
        "incident_app.Organisation",
        on_delete=models.PROTECT,
        related_name="brokered_policies",
        limit_choices_to={"kind": "broker"},
        null=True,
        blank=True,
        verbose_name=_("courtier"),
    )
    insurer = models.ForeignKey(
        "incident_app.Organisation",
        on_delete=models.PROTECT,
        related_name="underwritten_policies",
        limit_choices_to={"kind": "insurer"},
        verbose_name=_("assureur"),
    )
    number = models.CharField(_("numéro de contrat"), max_length=64)
    product_name = models.CharField(_("produit"), max_length=120, blank=True)
    starts_on = models.DateField(_("date d'effet"))
    ends_on = models.DateField(_("date d'échéance"), null=True, blank=True)
    jurisdiction = models.CharField(
        _("droit applicable"), max_length=2, choices=Jurisdiction.choices, default="FR"
    )
    hotline = PhoneNumberField(
        _("numéro d'assistance 24/7"),
        help_text=_("Le numéro à appeler en cas d'attaque, au format international."),
    )
    claim_declaration_days = models.PositiveSmallIntegerField(
        _("délai de déclaration du sinistre (jours ouvrés)"),
        default=MIN_CLAIM_DECLARATION_DAYS,
        validators=[MinValueValidator(MIN_CLAIM_DECLARATION_DAYS)],
        help_text=_("Au moins 5 jours ouvrés (Code des assurances, art. L113-2 4°)."),
    )
    overall_limit = models.DecimalField(
        _("plafond global par sinistre (EUR)"),
        null=True,
        blank=True,
        validators=POSITIVE_MONEY,
        **MONEY,
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("contrat")
        verbose_name_plural = _("contrats")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "number"], name="policy_number_per_insurer"),
            models.CheckConstraint(
                condition=Q(claim_declaration_days__gte=MIN_CLAIM_DECLARATION_DAYS),
                name="claim_declaration_at_least_5_working_days",
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.company}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("L'échéance précède la date d'effet.")})

    @property
    def hotline_tel_uri(self) -> str:
        return f"tel:{self.hotline.as_e164}" if self.hotline else ""


class Guarantee(models.Model):
    """One guarantee of a policy, with its limit, deductible and waiting period."""

    class Kind(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance et gestion de crise")
        FORENSIC = "forensic", _("Expertise informatique (forensic)")
        RESTORATION = "restoration", _("Restauration des données et du système")
        NOTIFICATION = "notification", _("Frais de notification")
        MONITORING = "monitoring", _("Surveillance des données")
        REGULATORY = "regulatory", _("Enquêtes et sanctions administratives")
        BUSINESS_INTERRUPTION = "business_interruption", _("Pertes d'exploitation")
        RANSOM_NEGOTIATION = "ransom_negotiation", _("Négociation de rançon")
        CYBER_FRAUD = "cyber_fraud", _("Fraude cyber")
        TELEPHONE_OVERBILLING = "telephone_overbilling", _("Surfacturation téléphonique")
        LIABILITY = "liability", _("Responsabilité civile cyber et média")

    class WaitingMode(models.TextChoices):
        BEYOND = "beyond", _("Indemnisé au-delà de la franchise horaire")
        FIRST_HOUR = (
            "first_hour",
            _("Indemnisé dès la première heure une fois la franchise dépassée"),
        )

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="guarantees")
    kind = models.CharField(_("garantie"), max_length=32, choices=Kind.choices)
    limit = models.DecimalField(
        _("plafond (EUR)"), null=True, blank=True, validators=POSITIVE_MONEY, **MONEY
    )
    sublimit = models.DecimalField(
        _("sous-plafond (EUR)"), null=True, blank=True, validators=POSITIVE_MONEY, **MONEY
    )
    deductible_amount = models.DecimalField(
        _("franchise fixe (EUR)"), null=True, blank=True, validators=POSITIVE_MONEY, **MONEY
    )
    deductible_percent = models.DecimalField(
        _("franchise proportionnelle (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    deductible_floor = models.DecimalField(
        _("minimum de la franchise proportionnelle (EUR)"),
        null=True,
        blank=True,
        validators=POSITIVE_MONEY,
        **MONEY,
    )
    waiting_period_hours = models.PositiveIntegerField(_("franchise horaire (heures)"), default=0)
    waiting_mode = models.CharField(
        _("mode de la franchise horaire"),
        max_length=16,
        choices=WaitingMode.choices,
        default=WaitingMode.BEYOND,
    )
    indemnity_period_days = models.PositiveIntegerField(
        _("période d'indemnisation (jours)"), null=True, blank=True
    )
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_("Conditions de garantie, par exemple une procédure de double vérification."),
    )

    class Meta:
        verbose_name = _("garantie")
        verbose_name_plural = _("garanties")
        ordering = ["policy", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind"], name="one_guarantee_kind_per_policy")
        ]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        if self.sublimit is not None and self.limit is not None and self.sublimit > self.limit:
            raise ValidationError({"sublimit": _("Le sous-plafond dépasse le plafond.")})
        if self.deductible_floor is not None and self.deductible_percent is None:
            raise ValidationError(
                {"deductible_floor": _("Un minimum n'a de sens qu'avec une franchise en %.")}
            )
