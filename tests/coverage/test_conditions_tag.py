"""{% coverage_conditions incident %}: the conditions of the cover on any page."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils.html import escape

from incident_app.services.steps import complete_step

pytestmark = pytest.mark.django_db


def _render(incident):
    template = Template("{% load coverage_tags %}{% coverage_conditions incident %}")
    return template.render(Context({"incident": incident}))


def test_it_renders_the_french_complaint_condition_with_its_proof(old_incident, manager):
    step = old_incident.steps.get(key="complaint")
    complete_step(
        step,
        user=manager,
        done_at=old_incident.discovered_at + timedelta(hours=71),
        proof_reference="PV 2026/004512",
    )
    html = _render(old_incident)
    assert "Remplie" in html
    assert "PV 2026/004512" in html
    assert "L12-10-1" in html
    assert "/couverture/" in html


def test_it_renders_the_luxembourg_complaint_as_advice(other_incident):
    html = _render(other_incident)
    assert "Conseillé" in html
    assert escape("aucune loi ne l'impose ici") in html or "aucune loi ne l'impose ici" in html


def test_it_asks_for_the_proof_of_a_condition_met_without_any(old_incident, manager):
    complete_step(
        old_incident.steps.get(key="complaint"),
        user=manager,
        done_at=old_incident.discovered_at + timedelta(hours=71),
    )
    html = _render(old_incident).replace("&#x27;", "'")
    assert "Remplie" in html
    assert "ajoutez le numéro du récépissé ou le document" in html


def test_it_does_not_ask_for_a_proof_already_given(old_incident, manager):
    complete_step(
        old_incident.steps.get(key="complaint"),
        user=manager,
        done_at=old_incident.discovered_at + timedelta(hours=71),
        proof_reference="PV 2026/004512",
    )
    html = _render(old_incident).replace("&#x27;", "'")
    assert "Remplie" in html and "PV 2026/004512" in html
    assert "ajoutez le numéro du récépissé" not in html
