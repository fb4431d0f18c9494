"""Who may see and do what. Every view and download asks here.

Seeing is decided by ``Incident.objects.visible_to(user)`` (one queryset for every list,
page, file and export); this module adds what each role may *do* with what it sees.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Incident, Membership, Organisation

COMPANY_ROLES = Membership.COMPANY_ROLES


def visible_incidents(user):
    return Incident.objects.visible_to(user)


def visible_to_organisation(organisation: Organisation):
    """The incidents a system acting for the organisation sees (an API token): what its
    members see, by the same rule as ``visible_to``."""
    return Incident.objects.visible_to_organisations([organisation.pk])


def get_visible_incident(user, reference: str) -> Incident:
    """The incident with this reference if the user may see it, else 404."""
    return get_object_or_404(
        visible_incidents(user)
        .select_related("company", "policy")
        # The playbook snapshot (tens of kB) is only read when deadlines are recomputed.
        .defer("playbook_snapshot"),
        reference=reference,
    )


def visible_companies(user):
    """The companies whose preparedness and reflex sheet a user may see.

    Its own company (manager or member); for a broker, the companies under a policy it placed
    (its clients); staff see all.  Insurers' auditors follow incidents, not preparation.
    """
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    if not user.is_authenticated:
        return companies.none()
    if user.is_staff:
        return companies
    own = [m.organisation_id for m in user.current_memberships if m.role in COMPANY_ROLES]
    brokers = [
        m.organisation_id for m in user.current_memberships if m.role == Membership.Role.BROKER
    ]
    if not own and not brokers:
        return companies.none()
    return companies.filter(Q(pk__in=own) | Q(policies__broker_id__in=brokers)).distinct()


def company_role(user, company: Organisation) -> str | None:
    """The user's role towards a company: manager, member, broker (of a client), staff or None."""
    if not user.is_authenticated:
        return None
    role = role_in(user, company)
    if role in COMPANY_ROLES:
        return role
    brokers = [
        m.organisation_id for m in user.current_memberships if m.role == Membership.Role.BROKER
    ]
    if brokers and company.policies.filter(broker_id__in=brokers).exists():
        return Membership.Role.BROKER
    return "staff" if user.is_staff else None


def get_expert_incident(user, reference: str, part: str) -> Incident:
    """The incident with this reference if the user may open its ``part`` (journal,
    evidence, dossier), as its own people or as an outside expert with a current grant."""
    return get_object_or_404(
        Incident.objects.visible_to(user, part=part)
        .select_related("company", "policy")
        .defer("playbook_snapshot"),
        reference=reference,
    )


def role_in(user, organisation: Organisation) -> str | None:
    if not user.is_authenticated:
        return None
    membership = next(
        (m for m in user.current_memberships if m.organisation_id == organisation.pk), None
    )
    return membership.role if membership else None


def incident_role(user, incident: Incident) -> str | None:
    """The user's role towards an incident: manager, member, broker, auditor, staff or None."""
    if not user.is_authenticated:
        return None
    for membership in user.current_memberships:
        if membership.organisation_id == incident.company_id:
            return membership.role
        if membership.organisation_id == incident.policy.broker_id:
            return Membership.Role.BROKER
        if membership.organisation_id == incident.policy.insurer_id:
            return Membership.Role.AUDITOR
    return "staff" if user.is_staff else None


def can_act_on_steps(user, incident: Incident) -> bool:
    """Complete steps, upload evidence, write notes: the company's own people."""
    return incident_role(user, incident) in COMPANY_ROLES and not incident.is_closed


def can_manage(user, incident: Incident) -> bool:
    """Correct facts, invite and assign: the company's managers."""
    return incident_role(user, incident) == Membership.Role.MANAGER


def can_assign(user, incident: Incident) -> bool:
    """Entrust steps to people: the company's managers, while the incident is not closed."""
    return can_manage(user, incident) and not incident.is_closed


def can_annotate(user, incident: Incident) -> bool:
    """Write journal notes and record costs: the company and its broker."""
    return incident_role(user, incident) in COMPANY_ROLES | {Membership.Role.BROKER}


def can_change_claim_state(user, incident: Incident) -> bool:
    """Move the claim from one state to another: the broker who placed the policy and the
    insurer; the company reads the states and their history."""
    return incident_role(user, incident) in {Membership.Role.BROKER, Membership.Role.AUDITOR}


def can_grant_experts(user, incident: Incident) -> bool:
    """Let an outside expert read the incident: the company's managers and its broker."""
    return incident_role(user, incident) in {Membership.Role.MANAGER, Membership.Role.BROKER}


def require(allowed: bool) -> None:
    # A forbidden action on a visible incident is a 404 too: no hint of what exists.
    if not allowed:
        raise Http404


def home_kind(user) -> str:
    """Which home a user lands on: company, broker, insurer or admin."""
    kinds = {m.organisation.kind for m in user.memberships.select_related("organisation")}
    for kind in (Organisation.Kind.COMPANY, Organisation.Kind.BROKER, Organisation.Kind.INSURER):
        if kind in kinds:
            return kind
    return "admin" if user.is_staff else "none"
