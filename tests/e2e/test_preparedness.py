"""On a phone, a manager prepares the company and prints the reflex sheet; after an attack,
fills the data-protection notification and records the authority's acknowledgement."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from documents import tasks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(monkeypatch):
    """The rendering runs as the worker would, as soon as it is sent."""
    monkeypatch.setattr(tasks.render_document, "delay", lambda pk: tasks.render_document.run(pk))


def pdf_text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_it_prepares_the_company_and_prints_the_reflex_sheet(
    sign_in, screenshot, manager, policy, worker, tmp_path
):
    page = sign_in(manager)
    page.get_by_role("link", name=re.compile("Se préparer avant une attaque")).click()
    expect(page.get_by_role("heading", name="Se préparer avant une attaque")).to_be_visible()

    profile = page.locator("#profile")
    profile.get_by_label("Raison sociale").fill("Menuiserie Lefèvre SARL")
    profile.get_by_label("Numéro SIREN").fill("123 456 789")
    profile.get_by_label("Adresse").fill("4 rue des Tanneurs\n67000 Strasbourg")
    profile.get_by_label("Département").fill("67")
    profile.get_by_label("Représentant légal").fill("Claire Lefèvre, gérante")
    profile.get_by_label("Contact DPO ou référent").fill("Karim Benali, dpo@lefevre.example")
    profile.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.get_by_text("Profil de l'entreprise enregistré.")).to_be_visible()

    for name, role, mobile, calls in [
        ("Claire Lefèvre", "Direction", "06 12 34 56 78", True),
        ("Karim Benali", "Informatique", "06 98 76 54 32", False),
    ]:
        roster = page.locator("#roster")
        roster.get_by_text("Ajouter une personne").click()
        roster.get_by_label("Nom").fill(name)
        roster.get_by_label("Rôle dans la cellule").fill(role)
        roster.get_by_label("Téléphone mobile").fill(mobile)
        if calls:
            roster.get_by_label("Peut appeler l'assistance").check()
        roster.get_by_role("button", name="Ajouter à la cellule").click()
        expect(page.get_by_text(f"« {name} (", exact=False)).to_be_visible()

    readiness = page.locator("#readiness")
    expect(readiness.get_by_text("✓ Cellule de crise joignable sur mobile")).to_be_visible()
    expect(readiness.get_by_text("✗ Annuaire d'urgence")).to_be_visible()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "preparedness-1-page")

    page.get_by_role("link", name="Fiche réflexe (PDF)").click()
    page.get_by_role("button", name="Préparer la fiche réflexe").click()
    link = page.get_by_role("link", name=re.compile("Télécharger le PDF"))
    expect(link).to_be_visible()
    screenshot(page, "preparedness-2-ready")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "fiche.pdf"
    download.value.save_as(path)
    text = pdf_text(path)
    assert "Fiche réflexe cyber" in text
    assert "+33 1 80 40 12 34" in text
    assert "Claire Lefèvre" in text and "+33 6 12 34 56 78" in text
    assert "À compléter" in text  # the directory is still empty


def test_it_fills_the_notification_and_records_the_acknowledgement(
    sign_in, screenshot, manager, incident
):
    page = sign_in(manager)
    page.goto(page.url.split("/entreprise/")[0] + f"/incidents/{incident.reference}/")
    page.get_by_role("link", name="Notification de violation de données").click()
    page.get_by_role("button", name="Préparer la notification").click()
    missing = page.locator("#missing")
    expect(missing.get_by_text("les catégories de personnes concernées")).to_be_visible()

    page.get_by_label("Catégories de personnes concernées").fill("Clients")
    page.get_by_label("Nombre approximatif de personnes").fill("1200")
    page.get_by_label("Catégories de données concernées").fill("Identité, coordonnées")
    page.get_by_label("Nombre approximatif d'enregistrements").fill("5400")
    page.get_by_label("DPO ou point de contact").fill("Karim Benali, dpo@lefevre.example")
    page.get_by_label("Conséquences probables").fill("Hameçonnage ciblé des clients.")
    page.get_by_label("Mesures prises", exact=True).fill("Serveur isolé, mots de passe changés.")
    page.get_by_role("button", name="Enregistrer la notification").click()
    expect(page.get_by_text("Notification enregistrée.")).to_be_visible()
    expect(missing.get_by_text("les catégories de personnes concernées")).to_have_count(0)
    screenshot(page, "notification-1-filled")

    notified = (timezone.now() - timedelta(minutes=10)).astimezone(incident.company.zone)
    page.get_by_label("Numéro donné par l'autorité").fill("CNIL-2026-0042")
    page.get_by_label("Notifiée le (heure de l'entreprise)").fill(
        notified.strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Enregistrer l'accusé de réception").click()
    expect(page.get_by_text("Accusé de réception de la CNIL enregistré.")).to_be_visible()
    expect(page.get_by_text(re.compile("accusé de réception n° CNIL-2026-0042"))).to_be_visible()
    screenshot(page, "notification-2-acknowledged")
    step = incident.steps.get(key="dpa_notification")
    assert step.status == "done" and step.proof_reference == "CNIL-2026-0042"
