"""Downloading a cost's invoice: only for those who see the incident."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from coverage.services.recording import record_cost
from tests.coverage.conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def cost(incident, guarantees, manager, pdf_invoice):
    return record_cost(
        incident,
        user=manager,
        guarantee=guarantees["forensic"],
        supplier="Experts SAS",
        incurred_on=date(2026, 3, 2),
        amount_excl_vat=Decimal("1500"),
        amount_incl_vat=Decimal("1800"),
        invoice=pdf_invoice,
    )


def _url(incident, cost):
    return reverse("cost_invoice", args=[incident.reference, cost.pk])


@pytest.mark.parametrize("who", ["member", "broker", "auditor"])
def test_it_serves_the_invoice_as_an_attachment(request, client_for, incident, cost, who):
    response = client_for(request.getfixturevalue(who)).get(_url(incident, cost))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="facture-expert.pdf"' in response["Content-Disposition"]


def test_it_hides_the_invoice_from_outsiders(client_for, incident, cost, outsider):
    assert client_for(outsider).get(_url(incident, cost)).status_code == 404


def test_it_does_not_serve_a_cost_of_another_incident(
    client_for, incident, other_incident, cost, outsider
):
    url = reverse("cost_invoice", args=[other_incident.reference, cost.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_it_answers_404_for_a_cost_without_invoice(client_for, incident, guarantees, manager):
    bare = record_cost(
        incident,
        user=manager,
        guarantee=guarantees["assistance"],
        supplier="Hotline",
        incurred_on=date(2026, 3, 2),
        amount_excl_vat=Decimal("100"),
        amount_incl_vat=Decimal("120"),
    )
    assert client_for(manager).get(_url(incident, bare)).status_code == 404
