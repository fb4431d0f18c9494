"""Crisis communication: ready-to-edit messages for each audience, journaled when sent.

The messages are written in the language of the people who receive them (French or
English), whatever language the manager reads the site in, so each audience has one
template per language instead of a translated string.
"""

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Incident, JournalEntry, journal_language

AUDIENCES = {
    "staff": gettext_lazy("Salariés"),
    "clients": gettext_lazy("Clients et patients"),
    "partners": gettext_lazy("Partenaires et fournisseurs"),
    "press": gettext_lazy("Presse"),
}
LANGUAGES = {"fr": "Français", "en": "English"}

KIND_WORDS = {
    "fr": {
        "ransomware": "une attaque par rançongiciel",
        "phishing": "une tentative d'hameçonnage",
        "transfer_fraud": "une fraude au virement",
        "data_leak": "une fuite de données",
        "account_takeover": "le piratage d'un compte",
        "ddos": "une attaque par saturation de nos services en ligne",
        "telephone_fraud": "une fraude téléphonique",
        "other": "un incident de cybersécurité",
    },
    "en": {
        "ransomware": "a ransomware attack",
        "phishing": "a phishing attempt",
        "transfer_fraud": "a transfer fraud",
        "data_leak": "a data leak",
        "account_takeover": "an account takeover",
        "ddos": "a denial-of-service attack on our online services",
        "telephone_fraud": "a telephone fraud",
        "other": "a cybersecurity incident",
    },
}


def _join(words: list[str], lang: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    last = " et " if lang == "fr" else " and "
    return ", ".join(words[:-1]) + last + words[-1]


def draft(incident: Incident, audience: str, lang: str) -> str:
    """The message for one audience in one language, filled from the incident's facts."""
    if audience not in AUDIENCES or lang not in LANGUAGES:
        raise ValueError(f"unknown audience or language: {audience}, {lang}")
    discovered = incident.discovered_at.astimezone(incident.company.zone)
    if lang == "fr":
        date = discovered.strftime("%d/%m/%Y")
    else:
        date = discovered.strftime("%d %B %Y").lstrip("0")
    context = {
        "company": incident.company.name,
        "attack": _join([KIND_WORDS[lang].get(k, k) for k in incident.kinds], lang),
        "date": date,
        "personal_data": incident.personal_data,
        "reference": incident.reference,
    }
    return render_to_string(
        f"incident_app/incident/communication/{audience}.{lang}.txt", context
    ).strip()


def drafts(incident: Incident) -> list[dict]:
    return [
        {
            "audience": audience,
            "label": label,
            "messages": [
                {"lang": lang, "language": name, "text": draft(incident, audience, lang)}
                for lang, name in LANGUAGES.items()
            ],
        }
        for audience, label in AUDIENCES.items()
    ]


def mark_sent(incident: Incident, *, audience: str, lang: str, text: str, user) -> JournalEntry:
    """Record in the journal that a message went out, with its final wording."""
    text = (text or "").strip()
    if audience not in AUDIENCES:
        raise ValidationError(_("Choisissez à qui le message a été envoyé."), code="audience")
    if lang not in LANGUAGES:
        raise ValidationError(_("Choisissez la langue du message."), code="language")
    if not text:
        raise ValidationError(_("Le message envoyé est vide."), code="empty")
    with journal_language(incident):
        entry = _("Message envoyé (%(audience)s) :\n%(text)s") % {
            "audience": AUDIENCES[audience],
            "text": text,
        }
    return JournalEntry.append(
        incident,
        JournalEntry.Kind.COMMUNICATION_SENT,
        entry,
        actor=user,
        data={"audience": audience, "lang": lang, "text": text},
    )
