"""Insurance policies and their guarantees."""

from decimal import Decimal

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.language import reader_language
from core.models import Withdrawable

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

    def hotline_display(self, dialling_from: str | None = None) -> str:
        """The hotline as people dial it: national format from the number's own country,
        international from anywhere else (or when the caller's country is not known)."""
        if not self.hotline:
            return ""
        if dialling_from and phonenumbers.region_code_for_number(self.hotline) == dialling_from:
            return self.hotline.as_national
        return self.hotline.as_international


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


# --- what an incident costs -----------------------------------------------------------------

# Beyond this an amount is a typing error (an extra zero, a pasted account number), not a cost
# of a small company's cyberattack; so is anything above ten times the policy's overall limit.
ABSURD_AMOUNT = Decimal("100000000")
ABSURD_LIMIT_FACTOR = 10


def absurd_amount_for(policy: Policy) -> Decimal:
    """The amount above which a cost or margin of this policy's incidents is refused as absurd."""
    if policy.overall_limit:
        return min(ABSURD_AMOUNT, policy.overall_limit * ABSURD_LIMIT_FACTOR)
    return ABSURD_AMOUNT


class Cost(Withdrawable):
    """A cost the incident caused, under one guarantee of the incident's policy.

    Both amounts are kept, and ``counted`` says which one the claim counts.  A company that
    recovers VAT (most companies) is paid excluding VAT: the VAT comes back through its VAT
    return, so paying it too would enrich it.  A company that cannot recover it (medical
    practices, exempt under art. 261-4-1° CGI in France and art. 44 of the Luxembourg VAT law)
    bears the VAT and is paid including it.  This depends on the company's tax position and
    sometimes on the supplier (a foreign supplier may invoice without VAT), not on the policy
    or the guarantee, so it is chosen per cost, defaulting to excluding VAT.

    A mistaken cost (a typo that passed validation) is withdrawn with a reason, never deleted:
    it stays listed, and no total or estimate counts it.
    """

    class Counted(models.TextChoices):
        EXCL_VAT = "excl_vat", _("Hors TVA (l'entreprise récupère la TVA)")
        INCL_VAT = "incl_vat", _("TVA comprise (l'entreprise ne récupère pas la TVA)")

    incident = models.ForeignKey(
        "incident_app.Incident", on_delete=models.PROTECT, related_name="costs"
    )
    guarantee = models.ForeignKey(
        Guarantee, on_delete=models.PROTECT, related_name="costs", verbose_name=_("garantie")
    )
    supplier = models.CharField(_("fournisseur"), max_length=200)
    incurred_on = models.DateField(_("date de la facture"))
    description = models.CharField(_("objet"), max_length=500, blank=True)
    amount_excl_vat = models.DecimalField(
        _("montant hors TVA (EUR)"), validators=POSITIVE_MONEY, **MONEY
    )
    amount_incl_vat = models.DecimalField(
        _("montant TVA comprise (EUR)"), validators=POSITIVE_MONEY, **MONEY
    )
    counted = models.CharField(
        _("montant retenu"), max_length=8, choices=Counted.choices, default=Counted.EXCL_VAT
    )
    invoice = models.ForeignKey(
        "incident_app.Evidence",
        on_delete=models.PROTECT,
        related_name="costs",
        null=True,
        blank=True,
        verbose_name=_("facture"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("saisi par"),
    )
    recorded_at = models.DateTimeField(_("saisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("coût")
        verbose_name_plural = _("coûts")
        ordering = ["incident", "incurred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_excl_vat__gte=0), name="cost_excl_vat_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount_incl_vat__gte=F("amount_excl_vat")),
                name="cost_incl_vat_at_least_excl_vat",
            ),
        ]

    def __str__(self):
        return f"{self.supplier} — {self.amount}"

    @property
    def amount(self) -> Decimal:
        """The amount the claim counts (see the class docstring)."""
        if self.counted == self.Counted.INCL_VAT:
            return self.amount_incl_vat
        return self.amount_excl_vat

    def clean(self):
        errors = {}
        if self.amount_excl_vat is not None and self.amount_excl_vat < 0:
            errors["amount_excl_vat"] = _("Un montant ne peut pas être négatif.")
        if self.amount_incl_vat is not None and self.amount_incl_vat < 0:
            errors["amount_incl_vat"] = _("Un montant ne peut pas être négatif.")
        if (
            not errors
            and self.amount_excl_vat is not None
            and self.amount_incl_vat is not None
            and self.amount_incl_vat < self.amount_excl_vat
        ):
            errors["amount_incl_vat"] = _(
                "Le montant TVA comprise ne peut pas être inférieur au montant hors TVA."
            )
        incident = self.incident if self.incident_id else None
        if incident is not None:
            ceiling = absurd_amount_for(incident.policy)
            for name in ("amount_excl_vat", "amount_incl_vat"):
                value = getattr(self, name)
                if name not in errors and value is not None and value > ceiling:
                    errors[name] = _(
                        "Ce montant dépasse %(ceiling)s : vérifiez la saisie (un zéro de trop ?)."
                    ) % {"ceiling": _ceiling_text(ceiling)}
            if self.guarantee_id and self.guarantee.policy_id != incident.policy_id:
                errors["guarantee"] = _(
                    "Le contrat de cet incident ne comporte pas cette garantie."
                )
        if errors:
            raise ValidationError(errors)


class BusinessInterruption(models.Model):
    """The interruption of the IT system, for the business-interruption guarantee.

    The waiting period, its mode and the indemnity period are the policy's (its
    business-interruption ``Guarantee``); only the facts of the incident are stored here.
    """

    incident = models.OneToOneField(
        "incident_app.Incident", on_delete=models.PROTECT, related_name="business_interruption"
    )
    started_at = models.DateTimeField(_("début de l'interruption"))
    ended_at = models.DateTimeField(
        _("fin de l'interruption"),
        null=True,
        blank=True,
        help_text=_("Laissez vide tant que l'interruption dure : l'estimation se met à jour."),
    )
    hourly_margin = models.DecimalField(
        _("marge brute horaire (EUR)"), null=True, blank=True, validators=POSITIVE_MONEY, **MONEY
    )
    annual_margin = models.DecimalField(
        _("marge brute annuelle (EUR)"), null=True, blank=True, validators=POSITIVE_MONEY, **MONEY
    )
    operating_hours_per_year = models.PositiveIntegerField(
        _("heures d'exploitation par an"), null=True, blank=True
    )
    extra_costs = models.DecimalField(
        _("frais supplémentaires d'exploitation (EUR)"),
        default=Decimal("0"),
        validators=POSITIVE_MONEY,
        **MONEY,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("saisi par"),
    )
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("perte d'exploitation")
        verbose_name_plural = _("pertes d'exploitation")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="interruption_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.incident} — {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None

    def clean(self):
        errors = {}
        if self.started_at and self.ended_at and self.ended_at < self.started_at:
            errors["ended_at"] = _("La fin de l'interruption précède son début.")
        if self.hourly_margin is None and self.annual_margin is None:
            errors["hourly_margin"] = _(
                "Indiquez la marge brute horaire, ou la marge brute annuelle et les heures "
                "d'exploitation."
            )
        elif self.hourly_margin is not None and self.annual_margin is not None:
            errors["annual_margin"] = _(
                "Indiquez la marge brute horaire ou la marge annuelle, pas les deux."
            )
        elif self.annual_margin is not None and not self.operating_hours_per_year:
            errors["operating_hours_per_year"] = _(
                "Indiquez le nombre d'heures d'exploitation par an (par exemple 2 000)."
            )
        elif self.operating_hours_per_year and self.operating_hours_per_year > 8784:
            errors["operating_hours_per_year"] = _("Une année compte au plus 8 784 heures.")
        if self.incident_id:
            ceiling = absurd_amount_for(self.incident.policy)
            for name in ("hourly_margin", "annual_margin", "extra_costs"):
                value = getattr(self, name)
                if name in errors or value is None:
                    continue
                if value < 0:
                    errors[name] = _("Un montant ne peut pas être négatif.")
                elif value > ceiling:
                    errors[name] = _(
                        "Ce montant dépasse %(ceiling)s : vérifiez la saisie (un zéro de trop ?)."
                    ) % {"ceiling": _ceiling_text(ceiling)}
        if errors:
            raise ValidationError(errors)


class ConditionAttestation(models.Model):
    """The company's statement that a guarantee's condition was met, with who and when.

    A guarantee's ``conditions`` are free text ("dual validation of transfers in place"):
    Riposte cannot check them, so they stay "to confirm" until a manager of the company attests
    them.  The attestation is a statement, journaled, that the insurer may still verify.
    """

    incident = models.ForeignKey(
        "incident_app.Incident", on_delete=models.PROTECT, related_name="condition_attestations"
    )
    guarantee = models.ForeignKey(Guarantee, on_delete=models.PROTECT, related_name="+")
    statement = models.CharField(_("précisions"), max_length=500, blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attesté par"),
    )
    attested_at = models.DateTimeField(_("attesté le"), default=timezone.now)

    class Meta:
        verbose_name = _("attestation de condition")
        verbose_name_plural = _("attestations de conditions")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "guarantee"], name="one_attestation_per_condition"
            ),
        ]

    def __str__(self):
        return f"{self.incident} — {self.guarantee}"


def _ceiling_text(ceiling: Decimal) -> str:
    from .indemnity import format_eur

    return format_eur(ceiling, reader_language())
