"""The complaint letter's PDF: the company and its representative, the facts and their timeline
from the journal, the ransom, the damage, every evidence hash; what is missing said plainly."""

import io

from pypdf import PdfReader

from documents.models import ComplaintLetter
from documents.services import complaint
from documents.services.rendering import Target, render_pdf

from .dossier_fixtures import pdf_text
from .paper_fixtures import HOSTILE, only_static


def render(incident, lang="fr"):
    return render_pdf("complaint", Target(incident.company, incident), lang=lang)


def test_it_prints_the_letter_with_the_timeline_and_every_evidence_hash(
    prepared_company, eventful_incident, manager
):
    letter = complaint.letter_for(eventful_incident)
    letter.facts = "Le matin, les postes affichaient une note de rançon."
    letter.systems = "Serveur de fichiers, deux postes de la comptabilité."
    letter.ransom = "2 BTC demandés, adresse de contact laissée."
    letter.damage = "Production arrêtée deux jours."
    letter.updated_by = manager
    letter.save()
    data = render(eventful_incident)
    text = pdf_text(data)
    assert "Monsieur le Procureur de la République" in text
    assert "Menuiserie Lefèvre SARL" in text and "Claire Lefèvre, gérante" in text
    assert eventful_incident.reference in text
    assert "note de rançon" in text and "2 BTC" in text and "deux jours" in text
    assert "L12-10-1" in text and "323-1" in text
    assert "Chronologie" in text and "Récépissé du commissariat" in text
    for item in eventful_incident.evidence.filter(withdrawn_at__isnull=True):
        assert item.sha256 in text
    assert "Encore à renseigner" not in text
    # The inventory rides along as CSV.
    attachments = PdfReader(io.BytesIO(data)).attachments
    assert "evidence-inventory.csv" in attachments


def test_it_never_breaks_an_evidence_hash_across_lines(prepared_company, eventful_incident):
    reader = PdfReader(io.BytesIO(render(eventful_incident)))
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    for item in eventful_incident.evidence.filter(withdrawn_at__isnull=True):
        assert any(item.sha256 in line for line in lines)


def test_it_says_what_is_missing_on_an_incident_with_no_facts(company, incident):
    incident.journal.all()  # the declaration is journaled; the letter itself has no facts
    text = pdf_text(render(incident))
    assert "Encore à renseigner" in text
    assert "les faits" in text and "le préjudice à ce jour" in text
    assert "le numéro d'immatriculation de l'entreprise" in text


def test_it_writes_to_the_procureur_d_etat_in_luxembourg(other_incident, outsider):
    text = pdf_text(render(other_incident, lang="en"))
    assert "Procureur d'État" in text
    assert "Timeline (from the crisis journal)" in text


def test_it_prints_hostile_text_as_text_and_fetches_nothing(
    prepared_company, incident, manager, fetched
):
    ComplaintLetter.objects.create(
        incident=incident, facts=HOSTILE, systems=HOSTILE, addressee=HOSTILE, updated_by=manager
    )
    compact = pdf_text(render(incident)).replace(" ", "")
    assert "<script>alert(1)</script>" in compact
    assert only_static(fetched)


def test_it_claims_the_72_hours_only_when_they_are_not_over(prepared_company, incident):
    from datetime import timedelta

    assert "dans le délai de 72 heures" in pdf_text(render(incident))
    incident.discovered_at -= timedelta(hours=80)
    incident.save()
    assert "dans le délai de 72 heures" not in pdf_text(render(incident))
