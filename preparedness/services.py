"""The readiness checklist: what a company has prepared, and what it still lacks.

Read by the company on its preparedness page and by its broker for each client.  The items
follow the assistance offers' preparation advice (hotline in the continuity plan, who may
activate it, an emergency directory, communication templates) and what the papers written on
the day need from the company profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from incident_app.models import Organisation

from .models import DirectoryEntry, MessageTemplate, RosterEntry

# A crisis cell of one cannot take turns through the first night.
MIN_ROSTER = 2


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    label: str
    done: bool
    missing: str = ""


@dataclass(frozen=True)
class Readiness:
    items: list[ReadinessItem]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.items else 0

    @property
    def missing(self) -> list[ReadinessItem]:
        return [item for item in self.items if not item.done]


def current_policy(company: Organisation, today=None):
    """The company's policy in force today (the latest started), or None.

    Read through the relation, so that preparation does not depend on the cover package.
    """
    today = today or timezone.localdate()
    return (
        company.policies.filter(starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .select_related("broker", "insurer")
        .order_by("-starts_on", "-pk")
        .first()
    )


def readiness(company: Organisation, today=None) -> Readiness:
    roster = list(RosterEntry.objects.filter(company=company))
    directory_kinds = set(
        DirectoryEntry.objects.filter(company=company).values_list("kind", flat=True)
    )
    audiences = set(
        MessageTemplate.objects.filter(company=company).values_list("audience", flat=True)
    )
    policy = current_policy(company, today)
    profile_missing = company.profile_missing()
    missing_kinds = [
        str(DirectoryEntry.Kind(kind).label)
        for kind in DirectoryEntry.ESSENTIAL
        if kind not in directory_kinds
    ]
    missing_audiences = [
        str(MessageTemplate.Audience(a).label)
        for a in (MessageTemplate.Audience.STAFF, MessageTemplate.Audience.CLIENTS)
        if a not in audiences
    ]
    items = [
        ReadinessItem(
            "profile",
            _("Profil de l'entreprise complet"),
            not profile_missing,
            _("Manque : %(items)s.") % {"items": ", ".join(profile_missing)},
        ),
        ReadinessItem(
            "hotline",
            _("Numéro d'assistance du contrat connu"),
            bool(policy and policy.hotline),
            _("Aucun contrat en cours avec un numéro d'assistance : demandez-le au courtier."),
        ),
        ReadinessItem(
            "roster",
            _("Cellule de crise joignable sur mobile"),
            len(roster) >= MIN_ROSTER,
            _("Inscrivez au moins %(count)s personnes avec leur mobile.") % {"count": MIN_ROSTER},
        ),
        ReadinessItem(
            "hotline_callers",
            _("Personnes autorisées à appeler l'assistance"),
            any(entry.may_call_hotline for entry in roster),
            _("Désignez qui peut déclencher l'assistance."),
        ),
        ReadinessItem(
            "directory",
            _("Annuaire d'urgence"),
            not missing_kinds,
            _("Manque : %(items)s.") % {"items": ", ".join(missing_kinds)},
        ),
        ReadinessItem(
            "broker",
            _("Courtier joignable"),
            bool(policy and policy.broker_id),
            _("Le contrat en cours ne nomme pas de courtier."),
        ),
        ReadinessItem(
            "templates",
            _("Messages de crise préparés"),
            not missing_audiences,
            _("Préparez un message pour : %(items)s.") % {"items": ", ".join(missing_audiences)},
        ),
    ]
    return Readiness(items)
