"""The guarantees of a cyber policy and which of them an incident triggers.

Pure data and functions, no Django: the guarantees and what they pay come from the reference
offers (Onlynnov, easyPRO Cyber) and market pages summed up in the Riposte domain notes, §4.
Whether a triggered guarantee actually pays still depends on the policy (does it include the
guarantee?) and on its conditions, such as the complaint filed within 72 h in France (Code des
assurances, art. L12-10-1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.language import language_code
from playbooks.engine import PERSONAL_DATA_ANSWERS
from playbooks.kinds import KIND_KEYS


@dataclass(frozen=True)
class GuaranteeKind:
    """One kind of guarantee: its label and a plain sentence saying what it pays, in fr and en."""

    code: str
    label: Mapping[str, str]
    pays: Mapping[str, str]


def _kind(code: str, label_fr: str, label_en: str, pays_fr: str, pays_en: str) -> GuaranteeKind:
    return GuaranteeKind(code, {"fr": label_fr, "en": label_en}, {"fr": pays_fr, "en": pays_en})


# In the order a claim is usually read: first response, data, business, fraud, third parties.
GUARANTEE_KINDS: dict[str, GuaranteeKind] = {
    kind.code: kind
    for kind in (
        _kind(
            "assistance",
            "Assistance et gestion de crise",
            "Assistance and crisis management",
            "Paie la ligne d'assistance, l'expert qui coordonne la réponse et la gestion de la "
            "crise.",
            "Pays for the hotline, the expert who coordinates the response, and crisis management.",
        ),
        _kind(
            "forensic",
            "Expertise informatique (forensic)",
            "IT experts (forensics)",
            "Paie les experts informatiques qui trouvent la faille et contiennent l'attaque.",
            "Pays for the IT experts who find the breach and contain the attack.",
        ),
        _kind(
            "restoration",
            "Restauration des données et du système",
            "Data and system restoration",
            "Paie la reconstitution des données à partir de sauvegardes exploitables et la remise "
            "du système informatique dans son état antérieur.",
            "Pays for rebuilding your data from usable backups and putting the IT system back "
            "in its prior state.",
        ),
        _kind(
            "notification",
            "Frais de notification",
            "Notification costs",
            "Paie la notification de la violation à l'autorité (CNIL, CNPD) et aux personnes "
            "concernées.",
            "Pays for notifying the breach to the authority (CNIL, CNPD) and to the people "
            "concerned.",
        ),
        _kind(
            "monitoring",
            "Surveillance des données",
            "Data monitoring",
            "Paie la surveillance des données personnelles divulguées, pour détecter leur "
            "utilisation frauduleuse.",
            "Pays for monitoring the leaked personal data, to detect their misuse.",
        ),
        _kind(
            "regulatory",
            "Enquêtes et sanctions administratives",
            "Regulatory investigations and fines",
            "Paie votre défense lors de l'enquête d'une autorité, et les amendes lorsque la loi "
            "permet de les assurer.",
            "Pays for your defence in a regulator's investigation, and the fines where the law "
            "allows them to be insured.",
        ),
        _kind(
            "business_interruption",
            "Pertes d'exploitation",
            "Business interruption",
            "Paie la marge brute perdue pendant l'arrêt du système informatique, selon la "
            "franchise horaire et dans la période d'indemnisation, ainsi que les frais "
            "supplémentaires.",
            "Pays for the gross margin lost while the IT system is down, subject to the waiting "
            "period and within the indemnity period, plus the extra costs.",
        ),
        _kind(
            "ransom_negotiation",
            "Négociation de rançon",
            "Ransom negotiation",
            "Paie les experts qui négocient avec les attaquants\u00a0; la rançon elle-même est "
            "souvent exclue.",
            "Pays for the experts who negotiate with the attackers; the ransom itself is often "
            "excluded.",
        ),
        _kind(
            "cyber_fraud",
            "Fraude cyber",
            "Cyber-fraud",
            "Paie les fonds détournés par une fraude, comme un faux ordre de virement, "
            "généralement dans un sous-plafond et si les procédures de vérification prévues ont "
            "été suivies.",
            "Pays for funds diverted by fraud, such as a fake transfer order, usually within a "
            "sublimit and provided the prescribed verification procedures were followed.",
        ),
        _kind(
            "telephone_overbilling",
            "Surfacturation téléphonique",
            "Telephone overbilling",
            "Paie le surcoût de l'utilisation frauduleuse de vos lignes téléphoniques.",
            "Pays for the extra cost of fraudulent use of your phone lines.",
        ),
        _kind(
            "liability",
            "Responsabilité civile cyber et média",
            "Cyber and media liability",
            "Paie les réclamations de tiers et votre défense après une fuite de données ou la "
            "transmission d'un virus.",
            "Pays for claims by third parties and your defence after a data leak or the "
            "transmission of a virus.",
        ),
    )
}

# The incident kinds and personal-data answers are the playbooks' own.
INCIDENT_KINDS = KIND_KEYS

# Every attack calls for the hotline and for experts to find the breach and contain it.
_EVERY_ATTACK = ("assistance", "forensic")

# Why each incident kind triggers what it triggers (domain notes §4, issue 6):
_BY_INCIDENT_KIND: dict[str, tuple[str, ...]] = {
    # Encrypted systems must be rebuilt, the business stops while they are down, and experts
    # may talk to the attackers (the ransom itself is usually excluded).
    "ransomware": ("restoration", "business_interruption", "ransom_negotiation"),
    # A phishing e-mail is the way in: its payload compromises systems that must be rebuilt —
    # the clinic example (a phishing with a ransom demand) paid for rebuilding the system.
    # Funds diverted after a phishing are declared as transfer_fraud too.
    "phishing": ("restoration",),
    # Funds diverted by a fake transfer order.
    "transfer_fraud": ("cyber_fraud",),
    # Third parties whose data leaked may claim damages.  The personal-data guarantees
    # (notification, monitoring, regulatory) follow the personal-data answer below: a leak of
    # non-personal data (trade secrets, prices) owes nothing to the CNIL or the CNPD.
    "data_leak": ("liability",),
    # A taken-over mailbox or cloud account must be restored to a sound state, and is commonly
    # used to send phishing or malware to the company's contacts, who may then claim damages.
    "account_takeover": ("restoration", "liability"),
    # A flood takes services down without damaging data: lost margin, nothing to rebuild.
    "ddos": ("business_interruption",),
    # Fraudulent calls billed on the company's lines.
    "telephone_fraud": ("telephone_overbilling",),
    # Until the experts know more, only the first response is certain.
    "other": (),
}

# Personal data at risk (or not yet ruled out — GDPR art. 33 counts 72 h from awareness, not
# from certainty) brings the notification to the authority and the people (art. 33–34), the
# monitoring of leaked data, the regulator's investigation and the claims of the people concerned.
_PERSONAL_DATA = ("notification", "monitoring", "regulatory", "liability")


def triggered_kinds(incident_kinds: Iterable[str], personal_data: str) -> list[str]:
    """The guarantee kinds an incident triggers, in the order of ``GUARANTEE_KINDS``.

    ``incident_kinds`` are among ``INCIDENT_KINDS``; ``personal_data`` is "yes", "no" or
    "unknown".  Raises ``ValueError`` for anything else.
    """
    kinds = set(_EVERY_ATTACK)
    for incident_kind in incident_kinds:
        if incident_kind not in _BY_INCIDENT_KIND:
            raise ValueError(
                f"Unknown incident kind {incident_kind!r}: expected one of {INCIDENT_KINDS}."
            )
        kinds.update(_BY_INCIDENT_KIND[incident_kind])
    if personal_data not in PERSONAL_DATA_ANSWERS:
        raise ValueError(
            f"personal_data must be one of {PERSONAL_DATA_ANSWERS}, got {personal_data!r}."
        )
    if personal_data in ("yes", "unknown"):
        kinds.update(_PERSONAL_DATA)
    return [code for code in GUARANTEE_KINDS if code in kinds]


def guarantee_label(kind: str, lang: str) -> str:
    """The label of a guarantee kind in "fr" or "en"; an unknown kind is shown as it is."""
    guarantee = GUARANTEE_KINDS.get(kind)
    return guarantee.label[language_code(lang)] if guarantee else kind


def guarantee_pays(kind: str, lang: str) -> str:
    """The plain sentence saying what a guarantee kind pays, in "fr" or "en"."""
    return GUARANTEE_KINDS[kind].pays[language_code(lang)]
