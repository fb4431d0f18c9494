"""Outside experts (forensic provider, lawyer, loss adjuster): read-only access to one
incident, for a limited time, to the parts chosen for them; every look is journaled."""

from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..models import ExpertAccess, Incident, JournalEntry, Membership, User, journal_language


def set_password_link(user, base_url: str) -> str:
    """A one-time link to choose a password, the same token flow as a password reset: an
    expert new to Riposte gets an account nobody can sign in to until they choose one."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


# Long enough for an expertise, short enough that a forgotten grant closes by itself.
LONGEST = timedelta(days=90)


@transaction.atomic
def grant_access(
    incident: Incident,
    *,
    granted_by,
    email: str,
    name: str,
    firm: str,
    role: str,
    parts: list[str],
    expires_at,
    base_url: str,
    now=None,
) -> ExpertAccess:
    """Let a named outside person read ``parts`` of the incident until ``expires_at``.

    A new address gets an account without a usable password and a link to choose one. The
    people of an organisation (the company, a broker, an insurer) are not outside experts:
    they already see what their role lets them see.
    """
    now = now or timezone.now()
    email = User.objects.normalize_email(email).strip().lower()
    parts = [part for part in ExpertAccess.Part.values if part in set(parts)]
    if not parts:
        raise ValidationError(_("Choisissez ce que l'expert peut consulter."), code="parts")
    if expires_at <= now:
        raise ValidationError(_("La fin de l'accès doit être dans le futur."), code="past")
    if expires_at > now + LONGEST:
        raise ValidationError(
            _("Un accès d'expert dure au plus %(days)d jours.") % {"days": LONGEST.days},
            code="too_long",
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, language=incident.company.language)
        user.set_unusable_password()
        user.save()
    elif user.is_staff or Membership.objects.filter(user=user).exists():
        raise ValidationError(
            _(
                "%(email)s appartient déjà à une organisation de Riposte : ce n'est pas un expert extérieur."
            )
            % {"email": email},
            code="not_outside",
        )
    grant = ExpertAccess.objects.create(
        incident=incident,
        expert=user,
        name=name.strip(),
        firm=firm.strip(),
        role=role,
        sees_journal="journal" in parts,
        sees_evidence="evidence" in parts,
        sees_dossier="dossier" in parts,
        granted_by=granted_by,
        granted_at=now,
        expires_at=expires_at,
    )
    labels = dict(ExpertAccess.Part.choices)
    with journal_language(incident):
        text = _(
            "Accès en lecture ouvert à %(name)s (%(role)s, %(email)s) jusqu'au %(until)s : %(parts)s."
        ) % {
            "name": grant.name,
            "role": grant.get_role_display(),
            "email": email,
            "until": incident.local_text(expires_at),
            "parts": ", ".join(str(labels[part]) for part in parts),
        }
    JournalEntry.append(
        incident,
        JournalEntry.Kind.EXPERT_GRANTED,
        text,
        actor=granted_by,
        data={"grant": grant.pk, "email": email, "parts": parts, "expires_at": expires_at},
    )
    _send_invitation(grant, base_url)
    return grant


def _send_invitation(grant: ExpertAccess, base_url: str) -> None:
    user = grant.expert
    context = {
        "grant": grant,
        "incident": grant.incident,
        "link": set_password_link(user, base_url) if not user.has_usable_password() else "",
        "url": base_url.rstrip("/") + reverse("expert_incident", args=[grant.incident.reference]),
    }
    with translation.override(user.language or grant.incident.company.language):
        context["until"] = date_format(
            timezone.localtime(grant.expires_at, grant.incident.zone), "DATETIME_FORMAT"
        )
        subject = _("Accès en lecture à l'incident %(reference)s") % {
            "reference": grant.incident.reference
        }
        text = render_to_string("incident_app/incident/email/expert_invitation.txt", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    transaction.on_commit(lambda: message.send())


@transaction.atomic
def revoke_access(grant: ExpertAccess, *, user, now=None) -> ExpertAccess:
    """End an expert's access at once; the grant stays listed with who ended it."""
    now = now or timezone.now()
    grant = ExpertAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError(_("Cet accès est déjà retiré."), code="already_revoked")
    grant.revoked_at, grant.revoked_by = now, user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    with journal_language(grant.incident):
        text = _("Accès de %(name)s retiré.") % {"name": grant.name}
    JournalEntry.append(
        grant.incident,
        JournalEntry.Kind.EXPERT_REVOKED,
        text,
        actor=user,
        data={"grant": grant.pk},
    )
    return grant


def record_view(incident: Incident, user, what: str, **data) -> None:
    """Journal a page or a file an outside expert opened: who, what, when."""
    with journal_language(incident):
        text = _("Consulté par l'expert %(who)s : %(what)s") % {
            "who": user.display_name,
            "what": what,
        }
    JournalEntry.append(
        incident, JournalEntry.Kind.EXPERT_VIEWED, text, actor=user, data={"what": what, **data}
    )


def grant_for(user, incident: Incident) -> ExpertAccess | None:
    """The user's current grant on the incident, if any."""
    return ExpertAccess.objects.active().filter(expert=user, incident=incident).first()
