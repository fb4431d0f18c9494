"""The crisis cell: people the manager brings in, and the steps entrusted to them."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..models import Incident, JournalEntry, Membership, Step, User, journal_language


def crisis_cell(company):
    """The company's people (managers first), who may be given steps."""
    return (
        Membership.objects.filter(organisation=company, role__in=Membership.COMPANY_ROLES)
        .select_related("user")
        .order_by("role", "user__email")
    )


def set_password_link(user, base_url: str) -> str:
    """A one-time link to choose a password, the same token flow as a password reset."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@transaction.atomic
def invite_member(incident: Incident, *, email: str, inviter, base_url: str, first_name=""):
    """Add a person to the company's crisis cell and send them a link to set a password.

    A new address gets an account without a usable password: nobody can sign in with it until
    the invited person chooses one through the link. Someone already in the cell is refused.
    """
    email = User.objects.normalize_email(email).strip().lower()
    company = incident.company
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, first_name=first_name.strip()[:150], language=company.language)
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(user=user, organisation=company).exists():
        raise ValidationError(
            _("%(email)s fait déjà partie de la cellule de crise.") % {"email": email},
            code="already_member",
        )
    Membership.objects.create(user=user, organisation=company, role=Membership.Role.MEMBER)
    with journal_language(incident):
        text = _("%(email)s invité dans la cellule de crise.") % {"email": email}
    JournalEntry.append(
        incident,
        JournalEntry.Kind.MEMBER_INVITED,
        text,
        actor=inviter,
        data={"email": email, "user": user.pk, "new_account": created},
    )
    context = {
        "user": user,
        "inviter": inviter,
        "company": company,
        "incident": incident,
        "link": set_password_link(user, base_url) if not user.has_usable_password() else "",
        "login_url": base_url.rstrip("/") + reverse("login"),
    }
    with translation.override(user.language or company.language):
        subject = render_to_string("incident_app/incident/email/invitation_subject.txt", context)
        text = render_to_string("incident_app/incident/email/invitation.txt", context)
        html = render_to_string("incident_app/incident/email/invitation.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[email])
    message.attach_alternative(html, "text/html")
    # Sent once the membership is saved: no e-mail for an invitation that was rolled back.
    transaction.on_commit(lambda: message.send())
    return user


@transaction.atomic
def assign_step(step: Step, *, assignee, actor) -> Step:
    """Entrust a step to a member of the company (or to nobody, with ``assignee=None``)."""
    step = Step.objects.select_for_update().select_related("incident").get(pk=step.pk)
    if (
        assignee is not None
        and not crisis_cell(step.incident.company).filter(user=assignee).exists()
    ):
        raise ValidationError(
            _("Cette personne ne fait pas partie de l'entreprise."), code="not_member"
        )
    if step.assignee_id == (assignee.pk if assignee else None):
        return step
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    with journal_language(step.incident) as language:
        title = step.text("title", language)
        if assignee is None:
            text = _("Étape « %(title)s » : plus confiée à personne.") % {"title": title}
        else:
            text = _("Étape « %(title)s » confiée à %(who)s.") % {
                "title": title,
                "who": assignee.display_name,
            }
    JournalEntry.append(
        step.incident,
        JournalEntry.Kind.STEP_ASSIGNED,
        text,
        actor=actor,
        data={"step": step.key, "assignee": assignee.pk if assignee else None},
    )
    return step
