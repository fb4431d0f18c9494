"""Attesting a guarantee's condition: the company's manager only, once."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from coverage.models import ConditionAttestation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conditioned(guarantees):
    guarantee = guarantees["forensic"]
    guarantee.conditions = "Sauvegardes hors ligne hebdomadaires."
    guarantee.save()
    return guarantee


def _url(incident, guarantee):
    return reverse("condition_attest", args=[incident.reference, guarantee.pk])


def test_it_lets_the_manager_attest_a_condition(client_for, incident, conditioned, manager):
    page = client_for(manager).get(reverse("coverage_summary", args=[incident.reference]))
    assert _url(incident, conditioned) in page.content.decode()
    response = client_for(manager).post(
        _url(incident, conditioned), {"statement": "Bandes du lundi"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert escape("Condition attestée.") in content or "Condition attestée." in content
    attestation = ConditionAttestation.objects.get()
    assert (attestation.attested_by, attestation.statement) == (manager, "Bandes du lundi")
    assert "Bandes du lundi" in content


@pytest.mark.parametrize("who", ["member", "broker", "auditor"])
def test_it_refuses_anyone_else(request, client_for, incident, conditioned, who):
    response = client_for(request.getfixturevalue(who)).post(_url(incident, conditioned), {})
    assert response.status_code == 404
    assert not ConditionAttestation.objects.exists()


def test_it_refuses_a_second_attestation_with_a_message(client_for, incident, conditioned, manager):
    client_for(manager).post(_url(incident, conditioned), {})
    response = client_for(manager).post(_url(incident, conditioned), {}, follow=True)
    assert escape("Cette condition a déjà été attestée.") in response.content.decode()
    assert ConditionAttestation.objects.count() == 1
