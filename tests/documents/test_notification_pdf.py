"""The notification's PDF: the art. 33(3) content in the authority's order, the legal basis,
the reasons for delay past 72 hours, what is missing, the art. 34 draft when the risk is high."""

from datetime import timedelta

from django.utils import timezone

from documents.models import DataBreachNotification
from documents.services.rendering import Target, render_pdf

from .dossier_fixtures import pdf_text
from .paper_fixtures import HOSTILE, only_static


def notification_of(incident, manager, **fields):
    values = {
        "nature": "Chiffrement du serveur de fichiers et copie des dossiers clients.",
        "people_categories": "Clients",
        "people_count": 1200,
        "record_categories": "Identité, coordonnées",
        "record_count": 5400,
        "contact": "Karim Benali, dpo@lefevre.example",
        "consequences": "Hameçonnage ciblé des clients.",
        "measures_taken": "Serveur isolé, mots de passe changés.",
    }
    values.update(fields)
    return DataBreachNotification.objects.create(incident=incident, created_by=manager, **values)


def render(notification, lang="fr", now=None):
    incident = notification.incident
    return pdf_text(
        render_pdf(
            "notification", Target(incident.company, incident, notification), lang=lang, now=now
        )
    )


def test_it_prints_every_item_of_article_33_3(prepared_company, incident, manager):
    text = render(notification_of(incident, manager))
    assert "CNIL" in text and "article 33" in text
    assert incident.reference in text
    assert "123 456 789" in text and "Claire Lefèvre, gérante" in text
    assert "Chiffrement du serveur de fichiers" in text
    assert "1200" in text and "5400" in text
    assert "dpo@lefevre.example" in text
    assert "Hameçonnage ciblé des clients." in text
    assert "Serveur isolé" in text
    assert "Initiale" in text
    assert "Encore à renseigner" not in text
    assert "Motifs du retard" not in text


def test_it_lists_what_is_missing_and_still_renders(company, incident, manager):
    notification = DataBreachNotification.objects.create(incident=incident, created_by=manager)
    text = render(notification)
    assert "Encore à renseigner" in text
    assert "les catégories de personnes concernées" in text
    assert "les conséquences probables" in text
    assert "le numéro SIREN de l'entreprise" in text


def test_it_asks_for_the_reasons_of_a_late_notification(prepared_company, incident, manager):
    incident.discovered_at = timezone.now() - timedelta(hours=80)
    incident.save()
    notification = notification_of(incident, manager)
    text = render(notification)
    assert "Motifs du retard" in text
    assert "les motifs du retard (plus de 72 heures)" in text
    notification.delay_reasons = "Investigation technique pour établir la fuite."
    notification.save()
    text = render(notification)
    assert "Investigation technique pour établir la fuite." in text
    assert "les motifs du retard" not in text


def test_it_drafts_the_communication_to_people_when_the_risk_is_high(
    prepared_company, incident, manager
):
    incident.personal_data = "yes"
    incident.high_risk = True
    incident.save()
    text = render(notification_of(incident, manager))
    assert "Projet de communication aux personnes concernées (RGPD art. 34)" in text
    assert "Madame, Monsieur," in text


def test_it_leaves_out_the_art_34_draft_when_the_risk_is_not_high(
    prepared_company, incident, manager
):
    text = render(notification_of(incident, manager))
    assert "art. 34" not in text


def test_it_names_the_cnpd_in_luxembourg_and_speaks_english(other_incident, outsider):
    text = render(notification_of(other_incident, outsider), lang="en")
    assert "Notification of a personal data breach to the CNPD" in text
    assert "Complementary" not in text and "Initial" in text


def test_it_prints_hostile_text_as_text_and_fetches_nothing(
    prepared_company, incident, manager, fetched
):
    text = render(notification_of(incident, manager, nature=HOSTILE, contact=HOSTILE[:300]))
    compact = text.replace(" ", "")
    assert "<script>alert(1)</script>" in compact
    assert only_static(fetched)
