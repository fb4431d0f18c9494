"""Saying a step does not apply, with the reason why."""

import pytest
from django.urls import reverse

from incident_app.models import JournalEntry, Step

pytestmark = pytest.mark.django_db


def url(incident, key):
    return reverse("step_not_applicable", args=[incident.reference, key])


def test_it_records_the_reason(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident, "isolate"), {"reason": "Un seul poste, déjà débranché"}
    )
    assert response.status_code == 302
    step = incident.steps.get(key="isolate")
    assert step.status == Step.Status.NOT_APPLICABLE
    assert step.not_applicable_reason == "Un seul poste, déjà débranché"
    assert incident.journal.filter(kind=JournalEntry.Kind.STEP_NOT_APPLICABLE).exists()
    page = client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    assert "Un seul poste, déjà débranché" in page


def test_it_requires_a_reason(client_for, manager, incident):
    response = client_for(manager).post(url(incident, "isolate"), {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez pourquoi cette étape est sans objet." in response.text
    assert incident.steps.get(key="isolate").status == Step.Status.TODO


def test_it_answers_htmx_with_the_wizard(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident, "isolate"), {"reason": "Rien à isoler"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="wizard">')
    assert "marquée sans objet" in response.text


def test_it_refuses_a_step_already_done(client_for, manager, incident):
    client = client_for(manager)
    client.post(reverse("step_complete", args=[incident.reference, "isolate"]), {})
    response = client.post(url(incident, "isolate"), {"reason": "Trop tard"})
    assert "Cette étape a déjà été enregistrée." in response.text
    assert incident.steps.get(key="isolate").status == Step.Status.DONE


def test_it_is_closed_to_the_auditor(client_for, auditor, incident):
    assert client_for(auditor).post(url(incident, "isolate"), {"reason": "x"}).status_code == 404
