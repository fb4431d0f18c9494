"""The coverage page: every party of the incident reads it; the company and broker record."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from coverage.services.recording import record_cost

pytestmark = pytest.mark.django_db


def _url(incident):
    return reverse("coverage_summary", args=[incident.reference])


@pytest.mark.parametrize("who", ["manager", "member", "broker", "auditor", "granted_staff"])
def test_it_shows_the_coverage_to_each_party(request, client_for, incident, who):
    response = client_for(request.getfixturevalue(who)).get(_url(incident))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Expertise informatique (forensic)" in content
    assert "Paie les experts informatiques" in content
    assert "Code des assurances, art. L12-10-1" in content


@pytest.mark.parametrize("who", ["outsider", "other_broker", "other_auditor"])
def test_it_hides_the_coverage_from_others(request, client_for, incident, who):
    assert client_for(request.getfixturevalue(who)).get(_url(incident)).status_code == 404


def test_it_asks_anonymous_visitors_to_sign_in(client, incident):
    response = client.get(_url(incident))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


def test_it_shows_costs_and_the_estimate_in_euros(client_for, incident, guarantees, manager):
    record_cost(
        incident,
        user=manager,
        guarantee=guarantees["restoration"],
        supplier="Reconstitution SI",
        incurred_on=date(2026, 3, 2),
        amount_excl_vat=Decimal("10000"),
        amount_incl_vat=Decimal("12000"),
    )
    content = client_for(manager).get(_url(incident)).content.decode()
    assert "Reconstitution SI" in content
    assert "10\u202f000,00\u00a0€" in content
    assert "Indemnité estimée\u00a0: 10\u202f000,00\u00a0€" in content


def test_it_offers_the_forms_to_the_company_and_the_broker_only(
    client_for, incident, member, broker, auditor
):
    add = reverse("cost_add", args=[incident.reference])
    assert add in client_for(member).get(_url(incident)).content.decode()
    assert add in client_for(broker).get(_url(incident)).content.decode()
    assert add not in client_for(auditor).get(_url(incident)).content.decode()


def test_it_answers_htmx_with_the_fragment_only(client_for, incident, manager):
    response = client_for(manager).get(_url(incident), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="coverage">')
    assert "<html" not in content


def test_it_warns_beside_the_estimate_when_a_condition_was_missed(
    client_for, incident, old_incident, manager
):
    warning = "Une condition de la garantie n'a pas été remplie"
    # Within the 72 h nothing is missed yet.
    assert warning not in client_for(manager).get(_url(incident)).text.replace("&#x27;", "'")
    html = client_for(manager).get(_url(old_incident)).text.replace("&#x27;", "'")
    total = html.split('id="total-title"')[1].split("</section>")[0]
    assert warning in total
    assert "Plainte déposée dans les 72 h" in total


def test_it_offers_to_add_a_cost_at_the_top_of_the_page(client_for, incident, manager, auditor):
    text = client_for(manager).get(_url(incident)).text
    link = '<a class="button primary" href="#costs">'
    assert link in text and text.index(link) < text.index('id="coverage"')
    assert 'id="costs"' in text
    assert link not in client_for(auditor).get(_url(incident)).text
