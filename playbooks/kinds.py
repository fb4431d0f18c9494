"""The kinds of incident a company can declare, in plain words for the declaration form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Kind:
    key: str
    label: Mapping[str, str] = field(default_factory=dict)
    description: Mapping[str, str] = field(default_factory=dict)

    def text(self, attribute: str, lang: str) -> str:
        return getattr(self, attribute)[lang]


def _kind(key: str, label: dict[str, str], description: dict[str, str]) -> Kind:
    return Kind(key, MappingProxyType(label), MappingProxyType(description))


KINDS: tuple[Kind, ...] = (
    _kind(
        "ransomware",
        {"fr": "Rançongiciel", "en": "Ransomware"},
        {
            "fr": "Des fichiers sont chiffrés ou illisibles et un message demande une rançon. "
            "Ex. : extensions de fichiers inconnues, note « vos fichiers sont chiffrés ».",
            "en": "Files are encrypted or unreadable and a message demands a ransom. "
            "E.g. unknown file extensions, a 'your files are encrypted' note.",
        },
    ),
    _kind(
        "phishing",
        {"fr": "Hameçonnage", "en": "Phishing"},
        {
            "fr": "Quelqu'un a cliqué sur un lien ou ouvert une pièce jointe piégée, ou a saisi "
            "son mot de passe sur un faux site. Ex. : faux e-mail de livraison, de banque.",
            "en": "Someone clicked a trapped link or attachment, or typed a password on a fake "
            "site. E.g. a fake delivery or bank e-mail.",
        },
    ),
    _kind(
        "transfer_fraud",
        {"fr": "Fraude au virement", "en": "Transfer fraud"},
        {
            "fr": "Un virement a été fait vers un escroc. Ex. : faux président, faux fournisseur "
            "qui annonce un nouveau RIB.",
            "en": "Money was transferred to a fraudster. E.g. fake CEO, fake supplier announcing "
            "new bank details.",
        },
    ),
    _kind(
        "data_leak",
        {"fr": "Fuite de données", "en": "Data leak"},
        {
            "fr": "Des données de l'entreprise, de clients ou de salariés ont été volées ou "
            "exposées. Ex. : fichier clients publié, base de données accessible.",
            "en": "Company, customer or staff data was stolen or exposed. E.g. a customer file "
            "published, a database left open.",
        },
    ),
    _kind(
        "account_takeover",
        {"fr": "Compte piraté", "en": "Account takeover"},
        {
            "fr": "Un compte (messagerie, banque, réseau social, logiciel en ligne) est utilisé "
            "par quelqu'un d'autre. Ex. : e-mails envoyés à votre insu.",
            "en": "An account (e-mail, bank, social network, online software) is used by "
            "someone else. E.g. e-mails sent without your knowledge.",
        },
    ),
    _kind(
        "ddos",
        {"fr": "Saturation (déni de service)", "en": "Denial of service (DDoS)"},
        {
            "fr": "Le site ou le service en ligne est inaccessible parce qu'il est submergé de "
            "requêtes. Ex. : site marchand hors ligne, demande de rançon pour arrêter.",
            "en": "The website or online service is down because it is flooded with requests. "
            "E.g. web shop offline, ransom demanded to stop.",
        },
    ),
    _kind(
        "telephone_fraud",
        {"fr": "Fraude téléphonique", "en": "Telephone fraud"},
        {
            "fr": "Le standard ou les lignes ont servi à appeler des numéros surtaxés ou "
            "étrangers. Ex. : facture téléphonique anormale, appels la nuit.",
            "en": "The switchboard or lines were used to call premium-rate or foreign numbers. "
            "E.g. an abnormal phone bill, calls at night.",
        },
    ),
    _kind(
        "other",
        {"fr": "Autre", "en": "Other"},
        {
            "fr": "Autre attaque ou doute : ordinateur qui se comporte bizarrement, alerte de "
            "l'antivirus, logiciel inconnu installé.",
            "en": "Another attack or a doubt: a computer behaving oddly, an antivirus alert, "
            "unknown software installed.",
        },
    ),
)

KIND_KEYS: tuple[str, ...] = tuple(kind.key for kind in KINDS)
