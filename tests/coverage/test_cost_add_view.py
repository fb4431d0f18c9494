"""Recording a cost: company and broker, plain POST or HTMX; bad input changes nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from coverage.models import Cost, Guarantee
from incident_app.models import Evidence, JournalEntry

pytestmark = pytest.mark.django_db


def _url(incident):
    return reverse("cost_add", args=[incident.reference])


def _data(guarantee, **overrides):
    return {
        "guarantee": guarantee.pk,
        "supplier": "Experts SAS",
        "incurred_on": "2026-03-02",
        "description": "Recherche de la faille",
        "amount_excl_vat": "1 500,00",
        "amount_incl_vat": "1800",
        "counted": "excl_vat",
    } | overrides


@pytest.mark.parametrize("who", ["manager", "member", "broker"])
def test_it_records_a_cost_and_redirects(request, client_for, incident, guarantees, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(_url(incident), _data(guarantees["forensic"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("coverage_summary", args=[incident.reference])
    cost = Cost.objects.get()
    assert (cost.amount_excl_vat, cost.amount_incl_vat, cost.recorded_by) == (
        Decimal("1500"),
        Decimal("1800"),
        user,
    )
    assert JournalEntry.objects.filter(incident=incident, kind="cost_recorded").count() == 1


def test_it_stores_the_invoice_as_evidence(client_for, incident, guarantees, manager, pdf_invoice):
    data = _data(guarantees["forensic"], invoice=pdf_invoice)
    client_for(manager).post(_url(incident), data)
    cost = Cost.objects.get()
    assert cost.invoice.original_name == "facture-expert.pdf"
    assert cost.invoice.incident == incident


def test_it_answers_htmx_with_the_updated_fragment(client_for, incident, guarantees, manager):
    response = client_for(manager).post(
        _url(incident), _data(guarantees["forensic"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="coverage">')
    assert "Coût enregistré." in content
    assert "1\u202f500,00\u00a0€" in content


def test_it_refuses_the_auditor(client_for, incident, guarantees, auditor):
    response = client_for(auditor).post(_url(incident), _data(guarantees["forensic"]))
    assert response.status_code == 404
    assert not Cost.objects.exists()


def test_it_refuses_outsiders(client_for, incident, guarantees, outsider):
    assert (
        client_for(outsider).post(_url(incident), _data(guarantees["forensic"])).status_code == 404
    )
    assert not Cost.objects.exists()


def test_it_sends_a_get_back_to_the_page(client_for, incident, member):
    response = client_for(member).get(_url(incident))
    assert response.status_code == 302
    assert response["Location"].endswith("#costs")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_excl_vat": "-5"}, "Un montant ne peut pas être négatif."),
        ({"amount_excl_vat": "abc"}, "Indiquez un montant en euros"),
        ({"amount_incl_vat": "1000"}, "ne peut pas être inférieur au montant hors TVA"),
        (
            {"amount_excl_vat": "150000000", "amount_incl_vat": "180000000"},
            "vérifiez la saisie",
        ),
        ({"supplier": ""}, "Indiquez le fournisseur."),
        ({"incurred_on": "2999-01-01"}, "La date de la facture est dans le futur."),
        ({"incurred_on": "hier"}, "Indiquez une date valide."),
    ],
)
def test_it_explains_bad_input_and_changes_nothing(
    client_for, incident, guarantees, manager, overrides, message
):
    entries = JournalEntry.objects.count()
    response = client_for(manager).post(_url(incident), _data(guarantees["forensic"], **overrides))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not Cost.objects.exists()
    assert JournalEntry.objects.count() == entries


def test_it_refuses_a_guarantee_the_policy_does_not_have(
    client_for, incident, other_policy, manager
):
    foreign = Guarantee.objects.create(policy=other_policy, kind="forensic")
    response = client_for(manager).post(_url(incident), _data(foreign), HTTP_HX_REQUEST="true")
    assert (
        escape("Le contrat de cet incident ne comporte pas cette garantie.")
        in response.content.decode()
    )
    assert not Cost.objects.exists()


def test_it_refuses_an_invoice_that_is_not_a_document(client_for, incident, guarantees, manager):
    note = SimpleUploadedFile("facture.txt", b"ceci n'est pas une facture", "text/plain")
    response = client_for(manager).post(_url(incident), _data(guarantees["forensic"], invoice=note))
    assert escape("La facture doit être un document PDF ou une image") in response.content.decode()
    assert not Cost.objects.exists()
    assert not Evidence.objects.exists()
