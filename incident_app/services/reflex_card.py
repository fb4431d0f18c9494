"""The reflex card: what a person needs on the phone when the office network is down.

The installed app keeps the last copy of this page and shows it offline: the insurer's
hotline, the broker, the crisis cell's phones, the first reflexes, and the open incidents
with their deadlines as last seen.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from playbooks.loader import load_playbook

from ..models import Incident, Membership, Organisation, User
from .crisis import crisis_cell


@dataclass
class Contact:
    name: str
    role: str = ""
    phone: str = ""  # as dialled
    tel_uri: str = ""  # "tel:+33…"


@dataclass
class CompanyCard:
    company: Organisation
    hotlines: list[Contact] = field(default_factory=list)
    brokers: list[Contact] = field(default_factory=list)
    cell: list[Contact] = field(default_factory=list)
    reflexes: list[str] = field(default_factory=list)


def _phone_contact(name: str, role: str, number, country: str) -> Contact:
    if not number:
        return Contact(name=name, role=role)
    import phonenumbers

    region = phonenumbers.region_code_for_number(number)
    shown = number.as_national if region == country else number.as_international
    return Contact(name=name, role=role, phone=shown, tel_uri=f"tel:{number.as_e164}")


def cell_contacts(company: Organisation) -> list[Contact]:
    """The crisis cell's phones: from the members' accounts today.

    The preparedness roster (named people with their phones, who may call the hotline, the
    emergency directory) plugs in here: when it exists, its entries come first and the
    accounts complete them.
    """
    return [
        _phone_contact(
            m.user.display_name, m.get_role_display(), m.user.verified_mobile, company.country
        )
        for m in crisis_cell(company)
    ]


def first_reflexes(company: Organisation, language: str) -> list[str]:
    """The reflexes to do at once whatever the attack, from the company's playbook."""
    try:
        playbook = load_playbook(company.country)
    except Exception:  # an unknown country has no playbook: the card still has the phones
        return []
    return [
        step.title.get(language) or step.title.get("fr", "")
        for step in playbook.steps
        # Whatever the facts: steps that depend on them (personal data…) wait for them.
        if step.at_once and not step.when and (step.kinds is None or "ransomware" in step.kinds)
    ]


def company_cards(user: User, language: str) -> list[CompanyCard]:
    companies = [
        m.organisation
        for m in user.memberships.select_related("organisation")
        if m.role in Membership.COMPANY_ROLES
    ]
    cards = []
    for company in companies:
        card = CompanyCard(company=company)
        today = timezone.localdate()
        for policy in company.policies.select_related("broker", "insurer").order_by("number"):
            if policy.ends_on and policy.ends_on < today:
                continue
            card.hotlines.append(
                _phone_contact(policy.insurer.name, policy.number, policy.hotline, company.country)
            )
            card.brokers.append(Contact(name=policy.broker.name, role=policy.number))
        card.cell = cell_contacts(company)
        card.reflexes = first_reflexes(company, language)
        cards.append(card)
    return cards


def open_incidents(user: User, language: str) -> list[Incident]:
    """Open incidents the user may see, each with its open steps that have a deadline."""
    incidents = list(
        Incident.objects.visible_to(user)
        .exclude(status__in=[Incident.Status.CLOSED, Incident.Status.REFUSED])
        .select_related("company", "policy")
        .order_by("-discovered_at")[:10]
    )
    for incident in incidents:
        incident.deadlines = list(
            incident.steps.filter(applicable=True, status="todo", due_at__isnull=False).order_by(
                "due_at"
            )
        )
        for step in incident.deadlines:
            step.title_text = step.text("title", language)
    return incidents
