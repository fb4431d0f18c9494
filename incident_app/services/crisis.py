"""The crisis cell: people the manager brings in, and the steps entrusted to them."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import (
    CellInvitation,
    Incident,
    JournalEntry,
    Membership,
    Step,
    User,
    journal_language,
)


def crisis_cell(company):
    """The company's people (managers first), who may be given steps."""
    return (
        Membership.objects.filter(organisation=company, role__in=Membership.COMPANY_ROLES)
        .select_related("user")
        .order_by("role", "user__email")
    )


INVITATION_SALT = "riposte.cell-invitation"


def invitation_token(invitation: CellInvitation) -> str:
    """The signed key of an invitation's link: it names the row and the address it was for."""
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> CellInvitation | None:
    """The open invitation a link points at, or None (forged, expired, answered)."""
    max_age = timedelta(days=settings.RIPOSTE_INVITATION_DAYS)
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    invitation = (
        CellInvitation.objects.select_related("company", "incident", "invited_by")
        .filter(pk=payload.get("i"), email=payload.get("e"))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open() else None


@transaction.atomic
def invite_member(incident: Incident, *, email: str, inviter, base_url: str, first_name=""):
    """Invite a person to the company's crisis cell: they join only if they accept.

    The answer is the same whatever the address: an account or not, of this platform's staff
    or not, the inviter is told an invitation was sent and the journal says the same. Only
    someone already in the company's cell (whom the inviter sees listed) is refused. A staff
    account is never invited, and no mail goes to it.
    """
    email = User.objects.normalize_email(email).strip().lower()
    company = incident.company
    if Membership.objects.filter(user__email__iexact=email, organisation=company).exists():
        raise ValidationError(
            _("%(email)s fait déjà partie de la cellule de crise.") % {"email": email},
            code="already_member",
        )
    now = timezone.now()
    invitation = CellInvitation.objects.create(
        company=company,
        incident=incident,
        email=email,
        first_name=first_name.strip()[:150],
        invited_by=inviter,
        created_at=now,
        expires_at=now + timedelta(days=settings.RIPOSTE_INVITATION_DAYS),
    )
    with journal_language(incident):
        text = _("%(email)s invité dans la cellule de crise.") % {"email": email}
    JournalEntry.append(
        incident,
        JournalEntry.Kind.MEMBER_INVITED,
        text,
        actor=inviter,
        data={"email": email, "invitation": invitation.pk},
    )
    account = User.objects.filter(email__iexact=email).first()
    if account is not None and account.is_staff:
        return invitation
    context = {
        "inviter": inviter,
        "company": company,
        "incident": incident,
        "link": base_url.rstrip("/")
        + reverse("cell_invitation", kwargs={"token": invitation_token(invitation)}),
        "expires_at": invitation.expires_at,
    }
    with translation.override((account.language if account else "") or company.language):
        subject = render_to_string("incident_app/incident/email/invitation_subject.txt", context)
        body = render_to_string("incident_app/incident/email/invitation.txt", context)
        html = render_to_string("incident_app/incident/email/invitation.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=[email])
    message.attach_alternative(html, "text/html")
    # Sent once the invitation is saved: no e-mail for one that was rolled back.
    transaction.on_commit(lambda: message.send())
    return invitation


@transaction.atomic
def accept_invitation(invitation: CellInvitation, *, user) -> Membership:
    """The invited person says yes: they join the company's crisis cell as a member."""
    invitation = CellInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise ValidationError(_("Cette invitation n'est plus valable."), code="closed")
    if user.is_staff:
        raise ValidationError(
            _("Un compte de l'équipe Riposte ne peut pas rejoindre une cellule de crise."),
            code="staff",
        )
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("Cette invitation a été envoyée à une autre adresse que la vôtre."),
            code="other_address",
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.company, defaults={"role": Membership.Role.MEMBER}
    )
    invitation.status = CellInvitation.Status.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "answered_at", "accepted_by"])
    incident = invitation.incident
    with journal_language(incident):
        text = _("%(who)s a rejoint la cellule de crise.") % {"who": user.display_name}
    JournalEntry.append(
        incident,
        JournalEntry.Kind.MEMBER_JOINED,
        text,
        actor=user,
        data={"invitation": invitation.pk, "user": user.pk},
    )
    return membership


@transaction.atomic
def decline_invitation(invitation: CellInvitation) -> None:
    updated = CellInvitation.objects.filter(
        pk=invitation.pk, status=CellInvitation.Status.PENDING
    ).update(status=CellInvitation.Status.DECLINED, answered_at=timezone.now())
    if updated:
        with journal_language(invitation.incident):
            text = _("%(email)s a décliné l'invitation dans la cellule de crise.") % {
                "email": invitation.email
            }
        JournalEntry.append(
            invitation.incident,
            JournalEntry.Kind.MEMBER_LEFT,
            text,
            data={"invitation": invitation.pk},
        )


def create_invited_account(invitation: CellInvitation, *, password: str, first_name="") -> User:
    """An account for an invited address that has none, made by the person who received it."""
    user = User(
        email=invitation.email,
        first_name=(first_name or invitation.first_name).strip()[:150],
        language=invitation.company.language,
    )
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def leave_cell(incident: Incident, *, user) -> None:
    """A member leaves the company's crisis cell; their open steps go back to nobody."""
    membership = Membership.objects.filter(
        user=user, organisation=incident.company, role=Membership.Role.MEMBER
    ).first()
    if membership is None:
        raise ValidationError(
            _("Seuls les membres peuvent quitter la cellule de crise."), code="not_member"
        )
    membership.delete()
    Step.objects.filter(
        incident__company=incident.company, assignee=user, status=Step.Status.TODO
    ).update(assignee=None)
    with journal_language(incident):
        text = _("%(who)s a quitté la cellule de crise.") % {"who": user.display_name}
    JournalEntry.append(
        incident, JournalEntry.Kind.MEMBER_LEFT, text, actor=user, data={"user": user.pk}
    )


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
