"""python manage.py coverage_summary REF [--json] [--lang]."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("coverage_summary", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_readable_summary(incident):
    out = _run(incident.reference)
    assert f"Couverture de l'incident {incident.reference}" in out
    assert "Expertise informatique (forensic)" in out
    assert "[pas encore] Plainte déposée dans les 72 h" in out


def test_it_prints_english_when_asked(incident):
    out = _run(incident.reference, "--lang", "en")
    assert "IT experts (forensics)" in out
    assert "[not yet]" in out


def test_it_prints_json(incident):
    data = json.loads(_run(incident.reference, "--json"))
    assert data["incident"] == incident.reference
    assert data["total_estimated_indemnity"] == "0.00"


def test_it_fails_on_an_unknown_reference(db):
    with pytest.raises(CommandError, match="unknown incident reference 'RIP-NOPE'"):
        _run("RIP-NOPE")
