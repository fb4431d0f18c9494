"""``manage.py render_document``: any paper to a file, synchronously; bad input in one line."""

import hashlib

import pytest
from django.core.management import CommandError, call_command

from documents.models import ClaimDossier, RenderedDocument

from .dossier_fixtures import pdf_text


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("render_document", *args, stdout=out)
    return out.getvalue()


def test_it_renders_a_dossier_without_recording_a_version(eventful_incident, tmp_path):
    out = tmp_path / "dossier.pdf"
    printed = run("dossier", eventful_incident.reference, "--out", str(out))
    data = out.read_bytes()
    assert hashlib.sha256(data).hexdigest() in printed
    text = pdf_text(data)
    assert eventful_incident.reference in text and "L12-10-1" in text
    assert not ClaimDossier.objects.exists()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("notification", "Notification of a personal data breach"), ("complaint", "Complaint")],
)
def test_it_renders_incident_papers_in_english(incident, tmp_path, kind, expected):
    out = tmp_path / f"{kind}.pdf"
    run(kind, incident.reference, "--out", str(out), "--lang", "en")
    text = pdf_text(out.read_bytes())
    assert expected in text
    # Nothing prepared yet: the paper says what is missing instead of failing.
    assert "Still to fill in" in text
    assert not RenderedDocument.objects.exists()


def test_it_finds_a_company_by_its_registration_number_or_id(prepared_company, tmp_path):
    out = tmp_path / "sheet.pdf"
    run("reflex-sheet", "123456789", "--out", str(out))
    assert "Fiche réflexe cyber" in pdf_text(out.read_bytes())
    run("reflex-sheet", str(prepared_company.pk), "--out", str(out))
    assert out.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["letter", "RIP-1"], "unknown kind"),
        (["dossier", "RIP-NOPE"], "no incident"),
        (["reflex-sheet", "999999999"], "no company"),
        (["dossier", "RIP-1", "--lang", "de"], "unknown language"),
    ],
)
def test_it_refuses_bad_input_in_one_line(db, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
