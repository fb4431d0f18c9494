"""Who is who: users, the organisations they belong to, and their roles."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        # People type their address with capitals on phones; sign-in must not care.
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    language = models.CharField(
        _("langue"), max_length=8, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )

    # Private iCalendar feed of the user's deadlines; blank when revoked.
    calendar_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Raised by "sign out everywhere": every session signed in before no longer matches.
    sessions_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Reminders by SMS go only to a number its owner proved by typing back a code sent to it:
    # a mistyped number would send a stranger the company's incident.
    mobile = PhoneNumberField(_("téléphone mobile"), blank=True)
    mobile_verified_at = models.DateTimeField(_("mobile vérifié le"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email

    def _session_hash_input(self) -> str:
        # Epoch 0 hashes as Django does, so sessions opened before the epoch existed stay.
        if not self.sessions_epoch:
            return self.password
        return f"{self.password}:{self.sessions_epoch}"

    def get_session_auth_hash(self):
        """The fingerprint each session keeps of the account; a session whose fingerprint no
        longer matches is signed out. Django's covers the password; ours also the epoch that
        "sign out everywhere" raises, whatever stores the sessions."""
        return self._epoch_hash(None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._epoch_hash(secret)

    def _epoch_hash(self, secret):
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(
            key_salt, self._session_hash_input(), secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def verified_mobile(self):
        """The mobile number SMS may be sent to, or None while it is not verified."""
        return self.mobile if self.mobile and self.mobile_verified_at else None

    @cached_property
    def current_memberships(self) -> list:
        """The user's memberships, read once per user object.

        A request's user lives for that request only, and a page asks several questions of
        it (what may it see, act on, manage…): one query answers them all.
        """
        return list(self.memberships.all())


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("« %(value)s » n'est pas un fuseau horaire connu."), params={"value": value}
        )


def validate_department(value: str) -> None:
    from playbooks.timecalc import is_department

    if value and not is_department(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un département français (ex. 67, 2A, 974)."),
            params={"value": value},
        )


class Organisation(models.Model):
    """A company under attack, a broker, or an insurer."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Entreprise")
        BROKER = "broker", _("Courtier")
        INSURER = "insurer", _("Assureur")

    class Country(models.TextChoices):
        FR = "FR", _("France")
        LU = "LU", _("Luxembourg")

    name = models.CharField(_("nom"), max_length=200)
    # The company profile, used by every document it signs (notification, complaint, reflex
    # sheet) and, for the department, by the count of working days.
    legal_name = models.CharField(
        _("raison sociale"),
        max_length=200,
        blank=True,
        help_text=_("Le nom officiel, s'il diffère du nom d'usage."),
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    country = models.CharField(_("pays"), max_length=2, choices=Country.choices, default="FR")
    timezone = models.CharField(
        _("fuseau horaire"), max_length=64, default="Europe/Paris", validators=[validate_timezone]
    )
    language = models.CharField(
        _("langue"), max_length=8, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    registration_number = models.CharField(
        _("numéro d'immatriculation (SIREN, RCS)"), max_length=32, blank=True
    )
    address = models.TextField(_("adresse"), blank=True)
    department = models.CharField(
        _("département"),
        max_length=3,
        blank=True,
        validators=[validate_department],
        help_text=_(
            "En France : le numéro du département du siège (ex. 67). En Alsace-Moselle (57, 67, "
            "68), le Vendredi saint et le 26 décembre sont fériés et ne comptent pas dans les "
            "jours ouvrés."
        ),
    )
    sector = models.CharField(_("secteur d'activité"), max_length=200, blank=True)
    nis2_entity = models.BooleanField(
        _("entité NIS2"),
        default=False,
        help_text=_("Entité essentielle ou importante au sens de la directive NIS2."),
    )
    dpo_contact = models.CharField(_("contact DPO ou référent"), max_length=200, blank=True)
    legal_representative = models.CharField(_("représentant légal"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def official_name(self) -> str:
        return self.legal_name or self.name

    @property
    def in_alsace_moselle(self) -> bool:
        from playbooks.timecalc import ALSACE_MOSELLE

        return self.country == self.Country.FR and self.department in ALSACE_MOSELLE

    def profile_missing(self) -> list[str]:
        """What the documents signed in the company's name still lack, in words."""
        missing = []
        if not self.registration_number:
            missing.append(
                _("le numéro SIREN") if self.country == self.Country.FR else _("le numéro RCS")
            )
        if not self.address:
            missing.append(_("l'adresse du siège"))
        if self.country == self.Country.FR and not self.department:
            missing.append(_("le département"))
        if not self.legal_representative:
            missing.append(_("le représentant légal"))
        if not self.dpo_contact:
            missing.append(_("le DPO ou le référent données personnelles"))
        return [str(item) for item in missing]


class Membership(models.Model):
    """A user's role in one organisation; the role decides what the user may do there."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Dirigeant")
        MEMBER = "member", _("Membre de la cellule de crise")
        BROKER = "broker", _("Courtier")
        AUDITOR = "auditor", _("Auditeur assureur")

    # The company's own people, who act on its incidents (as opposed to broker and insurer).
    COMPANY_ROLES = frozenset({Role.MANAGER, Role.MEMBER})

    ROLES_BY_KIND = {
        Organisation.Kind.COMPANY: {Role.MANAGER, Role.MEMBER},
        Organisation.Kind.BROKER: {Role.BROKER},
        Organisation.Kind.INSURER: {Role.AUDITOR},
    }

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_org")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    def clean(self):
        allowed = self.ROLES_BY_KIND.get(self.organisation.kind, set())
        if self.role not in allowed:
            raise ValidationError(
                {"role": _("Ce rôle n'existe pas dans une organisation de ce type.")}
            )
