"""The English catalogue is complete, keeps every placeholder, and the pages read in English."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUES = sorted((Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES").glob("*.po"))

# %(name)s style placeholders are unambiguous; bare %s / %d / %% only count in entries gettext
# flags as python-format (a French "100 % des frais" is not a placeholder).
NAMED = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
POSITIONAL = re.compile(r"%(?:[-#0 +]*\d*(?:\.\d+)?[sdifr]|%)")
BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def parse_po(path):
    """Entries of a .po file as dicts: flags, msgctxt, msgid, msgid_plural, msgstr (a list)."""
    entries = []
    entry = None
    field = None

    def start():
        """A flags line or a msgctxt opens an entry; a msgid opens one unless they did."""
        nonlocal entry
        if entry is None or "msgid" in entry:
            entry = {"flags": set(), "msgstr": {}}
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            field = None
            continue
        if line.startswith("#,"):
            start()
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
            continue
        keyword, _, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid"):
            start()
            entry[keyword] = value
            field = keyword
        elif keyword == "msgid_plural":
            entry[keyword] = value
            field = keyword
        elif keyword == "msgstr":
            entry["msgstr"][0] = value
            field = 0
        elif keyword.startswith("msgstr["):
            field = int(keyword[7:-1])
            entry["msgstr"][field] = value
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    return entries


def placeholders(text, python_format):
    found = NAMED.findall(text) + BRACES.findall(text)
    if python_format:
        found += POSITIONAL.findall(NAMED.sub("", text))
    return sorted(found)


@pytest.fixture(params=CATALOGUES, ids=lambda path: path.name)
def catalogue(request):
    return parse_po(request.param)


def test_it_has_an_english_catalogue():
    assert any(path.name == "django.po" for path in CATALOGUES)


def test_it_leaves_no_entry_untranslated_or_fuzzy(catalogue):
    header = [entry for entry in catalogue if entry["msgid"] == ""]
    assert header and "fuzzy" not in header[0]["flags"], "the header must not be fuzzy"
    assert "Plural-Forms: nplurals=2;" in header[0]["msgstr"][0]
    entries = [entry for entry in catalogue if entry["msgid"]]
    assert entries
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert fuzzy == []
    untranslated = [
        entry["msgid"]
        for entry in entries
        if not entry["msgstr"]
        or any(not text.strip() for text in entry["msgstr"].values())
        or ("msgid_plural" in entry and sorted(entry["msgstr"]) != [0, 1])
    ]
    assert untranslated == []


def test_it_keeps_every_placeholder(catalogue):
    wrong = []
    for entry in catalogue:
        if not entry["msgid"]:
            continue
        python_format = "python-format" in entry["flags"]
        for index, text in entry["msgstr"].items():
            source = entry["msgid_plural"] if index and "msgid_plural" in entry else entry["msgid"]
            if placeholders(text, python_format) != placeholders(source, python_format):
                wrong.append((entry["msgid"], text))
            if source.count("\n") != text.count("\n"):
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_it_translates_the_key_terms():
    with translation.override("en"):
        assert translation.gettext("Mes incidents") == "My incidents"
        assert translation.gettext("Se connecter") == "Sign in"
        assert translation.gettext("Cellule de crise") == "Crisis cell"
        assert translation.gettext("Franchise") == "Deductible"
        assert translation.gettext("Pertes d'exploitation") == "Business interruption"
        hours = translation.ngettext("%(count)d heure", "%(count)d heures", 2)
        assert hours % {"count": 2} == "2 hours"


def in_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_it_shows_the_company_home_in_english(client_for, manager, incident):
    response = in_english(client_for(manager)).get(reverse("company_home"))
    assert response.status_code == 200
    text = response.text
    assert '<html lang="en">' in text
    assert "My incidents" in text
    assert "Report an attack" in text
    assert "Sign out" in text
    assert "Ransomware" in text
    assert incident.reference in text
    for french in (
        "Mes incidents",
        "Déclarer une attaque",
        "Se déconnecter",
        "Aller au contenu",
        "Référence",
        "Découvert le",
        "Étapes faites",
        "Prochaine échéance",
        "Statut",
        "Rançongiciel",
        "Déclaré",
        "le guide des premières heures",
    ):
        assert french not in text, french


@pytest.mark.django_db
def test_it_shows_the_login_page_in_english(client):
    response = in_english(client).get(reverse("login"))
    assert response.status_code == 200
    text = response.text
    assert "Sign in" in text
    assert "E-mail address" in text
    assert "Password" in text
    for french in ("Connexion", "Se connecter", "Mot de passe", "Adresse e-mail"):
        assert french not in text, french


def test_it_writes_english_dates_day_first_with_a_24_hour_clock():
    from datetime import datetime

    from django.utils import formats
    from django.utils.translation import override

    moment = datetime(2026, 11, 27, 20, 50)
    with override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "27/11/2026 20:50"
    with override("fr"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "27/11/2026 20:50"
