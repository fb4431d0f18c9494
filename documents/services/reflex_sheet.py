"""The reflex sheet (fiche réflexe): one or two A4 pages for the company's continuity plan.

It puts on paper what the first hour needs when the network is down: the assistance hotline in
large type and who may call it, the broker, the crisis cell with mobile phones, the emergency
directory, the first reflexes for every kind of attack and the 72-hour deadlines with their
reason.  What the company has not prepared yet is said plainly rather than left blank.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from playbooks.kinds import KINDS
from preparedness.models import DirectoryEntry, RosterEntry
from preparedness.services import current_policy, readiness

from .rendering import Built, Target, builder, static_base

TEMPLATE = "pdf/reflex_sheet.html"

# The first reflex specific to each kind of attack (domain.md §1; guidance, no legal deadline).
KIND_REFLEXES = {
    "ransomware": _(
        "Débranchez le câble réseau et coupez le Wi-Fi des postes touchés, sans les éteindre : "
        "la mémoire garde des traces utiles aux experts. Photographiez la note de rançon."
    ),
    "phishing": _(
        "Changez le mot de passe saisi sur le faux site, depuis un autre appareil, et gardez "
        "l'e-mail piégé (ne le supprimez pas)."
    ),
    "transfer_fraud": _(
        "Appelez immédiatement la ligne fraude de la banque pour rappeler le virement : chaque "
        "heure compte."
    ),
    "data_leak": _(
        "Notez quand la fuite a été connue : la notification à l'autorité de protection des "
        "données court 72 heures à partir de là."
    ),
    "account_takeover": _(
        "Réinitialisez les mots de passe, fermez toutes les sessions ouvertes et activez la "
        "double authentification."
    ),
    "ddos": _("Appelez l'hébergeur ou le fournisseur d'accès pour filtrer le trafic."),
    "telephone_fraud": _(
        "Demandez à l'opérateur de bloquer les appels vers les numéros surtaxés et étrangers."
    ),
}


@builder("reflex_sheet")
def build(target: Target, *, lang: str, now: datetime) -> Built:
    company = target.company
    policy = current_policy(company, now.date())
    roster = list(RosterEntry.objects.filter(company=company))
    directory = list(DirectoryEntry.objects.filter(company=company))
    broker_entry = next((e for e in directory if e.kind == DirectoryEntry.Kind.BROKER), None)
    state = readiness(company, now.date())
    kinds = [
        {"label": kind.text("label", lang), "reflex": KIND_REFLEXES[kind.key]}
        for kind in KINDS
        if kind.key in KIND_REFLEXES
    ]
    return Built(
        TEMPLATE,
        {
            "company": company,
            "policy": policy,
            "hotline": policy.hotline_display() if policy and policy.hotline else "",
            "broker": policy.broker if policy else None,
            "broker_entry": broker_entry,
            "callers": [entry for entry in roster if entry.may_call_hotline],
            "roster": roster,
            "directory": [e for e in directory if e.kind != DirectoryEntry.Kind.BROKER],
            "kinds": kinds,
            "authority": "CNPD" if company.country == "LU" else "CNIL",
            "france": company.country == "FR",
            "missing": state.missing,
            "generated_at": now,
            "zone": company.timezone,
            "lang": lang,
            "static_base": static_base(),
        },
    )
