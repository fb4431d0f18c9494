"""The reflex sheet's PDF: the hotline, the broker, the crisis cell with phones, the reflexes,
the 72-hour deadlines, and plainly what is missing; hostile text prints as text."""

import io

from django.utils import timezone
from pypdf import PdfReader

from documents.services.rendering import Target, render_pdf
from preparedness.models import RosterEntry

from .dossier_fixtures import pdf_text
from .paper_fixtures import HOSTILE, only_static


def test_it_prints_the_hotline_cell_and_deadlines_on_two_pages_at_most(prepared_company):
    data = render_pdf("reflex_sheet", Target(prepared_company), lang="fr")
    reader = PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2
    text = pdf_text(data)
    assert "+33 1 80 40 12 34" in text
    assert "Durand Courtage" in text and "+33 3 88 11 22 37" in text
    assert "Claire Lefèvre" in text and "+33 6 12 34 56 78" in text
    assert "Karim Benali" in text and "+33 6 98 76 54 32" in text
    assert "sans éteindre" in text
    assert "Ne payez pas de rançon" in text
    assert "Ne contactez pas les attaquants" in text
    assert "L12-10-1" in text and "RGPD art. 33" in text
    assert "Notifier la CNIL" in text
    assert "À compléter" not in text


def test_it_says_what_a_company_has_not_prepared(company, policy):
    text = pdf_text(render_pdf("reflex_sheet", Target(company), lang="fr"))
    assert "À compléter" in text
    assert "le numéro SIREN" in text
    assert "Aucun membre inscrit" in text
    assert "Annuaire vide" in text


def test_it_speaks_english_and_names_the_cnpd_in_luxembourg(other_company, other_policy):
    text = pdf_text(render_pdf("reflex_sheet", Target(other_company), lang="en"))
    assert "Cyber reflex sheet" in text
    assert "Notify the CNPD" in text
    assert "+352 47 61 44 44" in text
    assert "RCS number" in text


def test_it_prints_hostile_text_as_text_and_fetches_nothing(prepared_company, fetched):
    RosterEntry.objects.create(
        company=prepared_company, name=HOSTILE, role=HOSTILE, mobile="+33611111111"
    )
    data = render_pdf("reflex_sheet", Target(prepared_company), lang="fr", now=timezone.now())
    # Long text wraps where it must; what matters is that every character is there, as text.
    compact = pdf_text(data).replace(" ", "")
    assert "<script>alert(1)</script>" in compact
    assert '<imgsrc="file:///etc/passwd">' in compact
    assert "{{7|add:7}}" in compact
    assert only_static(fetched)
