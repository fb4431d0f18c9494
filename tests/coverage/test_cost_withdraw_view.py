"""Withdrawing a mistaken cost: with a reason, journaled, never deleted, out of every total."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from coverage.models import Cost, Guarantee
from coverage.services.recording import record_cost
from coverage.services.summary import coverage_summary
from documents.services import dossier as dossier_service
from incident_app.models import JournalEntry, verify_chain

from ..documents.dossier_fixtures import pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db


def _record(incident, guarantee, user, amount, supplier):
    return record_cost(
        incident,
        user=user,
        guarantee=guarantee,
        supplier=supplier,
        incurred_on=date(2026, 3, 2),
        amount_excl_vat=Decimal(amount),
        amount_incl_vat=Decimal(amount) * Decimal("1.2"),
    )


@pytest.fixture
def typo(incident, guarantees, manager):
    """18 000 € typed for an invoice of 1 800 €, beside a correct cost of 1 800 €."""
    _record(incident, guarantees["forensic"], manager, "1800", "Experts SAS")
    return _record(incident, guarantees["forensic"], manager, "18000", "Experts SAS (bis)")


def _url(cost):
    return reverse("cost_withdraw", args=[cost.incident.reference, cost.pk])


def _estimate(client, incident) -> str:
    """The estimated indemnity as the coverage page shows it, spaces made plain."""
    page = client.get(reverse("coverage_summary", args=[incident.reference])).text
    found = re.search(r'<p class="total"><strong>([^<]+)</strong>', page)
    return re.sub(r"\s", " ", found.group(1))


@pytest.mark.parametrize("who", ["manager", "member", "broker"])
def test_it_withdraws_the_cost_and_takes_it_out_of_the_estimate(
    request, client_for, incident, typo, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert _estimate(client, incident) == "19 800,00 €"

    response = client.post(_url(typo), {"reason": "Zéro de trop : la facture fait 1 800 €"})

    assert response.status_code == 302
    assert _estimate(client, incident) == "1 800,00 €"
    typo.refresh_from_db()
    assert typo.withdrawn_by == user
    assert typo.withdrawn_at is not None
    assert typo.withdrawn_reason == "Zéro de trop : la facture fait 1 800 €"
    summary = coverage_summary(incident)
    assert summary.total.total_claimed == Decimal("1800")
    forensic = next(g for g in summary.guarantees if g.kind == "forensic")
    assert [cost.pk for cost in forensic.withdrawn_costs] == [typo.pk]
    assert typo.pk not in [cost.pk for cost in forensic.costs]


def test_it_journals_who_withdrew_the_cost_and_why(client_for, incident, typo, broker):
    client_for(broker).post(_url(typo), {"reason": "Zéro de trop"})
    entry = incident.journal.order_by("-seq").first()
    assert entry.kind == JournalEntry.Kind.COST_WITHDRAWN
    assert entry.actor == broker
    assert entry.data == {
        "cost": typo.pk,
        "guarantee": "forensic",
        "amount": "18000.00",
        "reason": "Zéro de trop",
    }
    assert "Zéro de trop" in entry.text
    assert "Coût retiré" in entry.text
    assert verify_chain(incident) is None


def test_it_keeps_listing_the_withdrawn_cost_struck_through_with_its_reason(
    client_for, incident, typo, manager
):
    client = client_for(manager)
    client.post(_url(typo), {"reason": "Zéro de trop"})
    page = client.get(reverse("coverage_summary", args=[incident.reference])).text
    row = re.search(r'<tr class="withdrawn">.*?</tr>', page, re.S).group(0)
    assert "<del>Experts SAS (bis)</del>" in row
    assert "<del>18\u202f000,00\u00a0€</del>" in row
    assert "Zéro de trop" in row
    assert escape(manager.display_name) in row
    # The withdrawn row offers no second withdrawal.
    assert _url(typo) not in row
    assert Cost.objects.filter(pk=typo.pk).exists()


def test_it_answers_htmx_with_the_updated_fragment(client_for, incident, typo, member):
    response = client_for(member).post(
        _url(typo), {"reason": "Zéro de trop"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    content = response.text
    assert content.lstrip().startswith('<div id="coverage">')
    assert "retiré : il reste listé" in content.replace("&#x27;", "'")
    assert '<p class="total"><strong>1\u202f800,00\u00a0€</strong>' in content
    assert '<tr class="withdrawn">' in content


def test_it_refuses_a_second_withdrawal(client_for, incident, typo, manager, member):
    client_for(manager).post(_url(typo), {"reason": "Zéro de trop"})
    journal = incident.journal.count()

    response = client_for(member).post(_url(typo), {"reason": "Encore"}, HTTP_HX_REQUEST="true")

    assert "Ce coût a déjà été retiré." in response.text.replace("&#x27;", "'")
    typo.refresh_from_db()
    assert (typo.withdrawn_by, typo.withdrawn_reason) == (manager, "Zéro de trop")
    assert incident.journal.count() == journal


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_an_empty_reason_and_changes_nothing(
    client_for, incident, typo, manager, reason
):
    client = client_for(manager)
    journal = incident.journal.count()

    response = client.post(_url(typo), {"reason": reason})

    assert response.status_code == 302
    page = client.get(response.url).text
    assert "Indiquez pourquoi ce coût est retiré." in page
    typo.refresh_from_db()
    assert typo.withdrawn_at is None
    assert typo.withdrawn_reason == ""
    assert incident.journal.count() == journal
    assert _estimate(client, incident) == "19 800,00 €"


@pytest.mark.parametrize("who", ["outsider", "other_broker", "other_auditor", "auditor"])
def test_it_answers_404_to_anyone_who_may_not_record_costs(request, client_for, typo, who):
    response = client_for(request.getfixturevalue(who)).post(_url(typo), {"reason": "Zéro de trop"})
    assert response.status_code == 404
    typo.refresh_from_db()
    assert typo.withdrawn_at is None


def test_it_answers_404_for_a_cost_of_another_incident(client_for, outsider, other_incident, typo):
    response = client_for(outsider).post(
        reverse("cost_withdraw", args=[other_incident.reference, typo.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    typo.refresh_from_db()
    assert typo.withdrawn_at is None


def test_it_sends_a_get_back_to_the_page(client_for, incident, typo, member):
    response = client_for(member).get(_url(typo))
    assert response.status_code == 302
    assert response.url.endswith("#guarantee-forensic")
    typo.refresh_from_db()
    assert typo.withdrawn_at is None


def test_the_json_export_counts_no_withdrawn_cost(client_for, incident, typo, manager):
    client = client_for(manager)
    client.post(_url(typo), {"reason": "Zéro de trop"})
    data = client.get(reverse("coverage_summary_json", args=[incident.reference])).json()
    assert data["total_claimed"] == "1800.00"
    forensic = next(g for g in data["guarantees"] if g["kind"] == "forensic")
    assert [cost["amount"] for cost in forensic["costs"]] == ["1800.00"]
    [withdrawn] = forensic["withdrawn_costs"]
    assert withdrawn["amount"] == "18000.00"
    assert withdrawn["withdrawn"]["reason"] == "Zéro de trop"
    assert withdrawn["withdrawn"]["by"] == manager.display_name


def test_a_guarantee_whose_costs_were_all_withdrawn_claims_nothing(
    client_for, incident, policy, manager
):
    # A ransomware attack does not trigger the fraud guarantee: only the cost made it appear.
    fraud = Guarantee.objects.create(
        policy=policy,
        kind=Guarantee.Kind.CYBER_FRAUD,
        limit=Decimal("20000"),
        conditions="Double validation des virements.",
    )
    cost = _record(incident, fraud, manager, "900", "Mauvaise garantie")
    client_for(manager).post(_url(cost), {"reason": "Pas la bonne garantie"})
    summary = coverage_summary(incident)
    shown = next(g for g in summary.guarantees if g.kind == "cyber_fraud")
    assert shown.estimate.payable == 0
    assert shown.costs == []
    assert [line.withdrawn_reason for line in shown.withdrawn_costs] == ["Pas la bonne garantie"]
    # Nothing is claimed under it: its condition is not asked for.
    assert "cyber_fraud" not in [c.guarantee_kind for c in summary.conditions + summary.advice]


def test_the_claim_dossier_lists_the_withdrawn_cost_out_of_its_totals(
    client_for, eventful_incident, guarantees, manager, sent
):
    # The eventful incident has one cost of 1 800 € (counted including VAT).
    cost = _record(eventful_incident, guarantees["forensic"], manager, "18000", "Faute de frappe")
    client_for(manager).post(_url(cost), {"reason": "Zéro de trop"})
    dossier, _created = dossier_service.request_dossier(eventful_incident, manager)
    text = pdf_text(pdf_bytes(dossier_service.render_dossier(dossier.pk)))
    assert "Frais retenus 1 800,00 €" in text
    assert "Faute de frappe" in text
    assert "Zéro de trop" in text
    assert "Retiré le" in text
