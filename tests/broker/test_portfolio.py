"""The broker's portfolio: only the broker's clients, filters in the URL, search, sorts,
"what needs the broker first", pagination, bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from broker import requests as request_service
from broker.summary import refresh
from incident_app.models import Organisation, Step
from incident_app.services.incidents import open_incident

pytestmark = pytest.mark.django_db

URL = reverse("broker_home")


def declare(
    company, policy, manager, *, kinds=("ransomware",), hours_ago=2, personal_data="unknown"
):
    return open_incident(
        company=company,
        policy=policy,
        kinds=list(kinds),
        discovered_at=timezone.now() - timedelta(hours=hours_ago),
        personal_data=personal_data,
        declared_by=manager,
    )


def references(response):
    return [incident.reference for incident in response.context["rows"]]


def test_it_lists_the_incidents_under_the_brokers_policies_only(
    client_for, broker, incident, other_incident
):
    response = client_for(broker).get(URL)
    assert response.status_code == 200
    assert references(response) == [incident.reference]
    assert other_incident.reference not in response.text


def test_it_shows_another_broker_only_its_own_clients(
    client_for, other_broker, incident, other_incident
):
    response = client_for(other_broker).get(URL)
    assert references(response) == [other_incident.reference]
    assert incident.reference not in response.text


@pytest.mark.parametrize("who", ["manager", "member", "auditor", "outsider", "expert", "staff"])
def test_it_is_not_found_for_anyone_but_a_broker(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(URL).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, incident):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_shows_each_rows_figures(client_for, broker, incident):
    response = client_for(broker).get(URL)
    text = response.text
    assert "Menuiserie Lefèvre" in text
    assert "Rançongiciel" in text
    summary = incident.claim_summary
    assert f"{summary.percent} %" in text
    assert f"({summary.present}/{summary.required})" in text
    assert "Déclaré" in text


@pytest.fixture
def portfolio(company, other_company, policy, manager, broker_org, insurer):
    """Three incidents of the broker's clients: one overdue, one with an answer to review,
    one quiet; a Luxembourg client among them."""
    from datetime import date

    from coverage.models import Policy

    lux = Organisation.objects.create(
        name="Atelier Kirchberg", kind="company", country="LU", timezone="Europe/Luxembourg"
    )
    lux_policy = Policy.objects.create(
        company=lux,
        broker=broker_org,
        insurer=insurer,
        number="LX-1",
        starts_on=date(2026, 1, 1),
        jurisdiction="LU",
        hotline="+352 4761-4444",
    )
    quiet = declare(company, policy, manager, kinds=["phishing"], hours_ago=1)
    overdue = declare(company, policy, manager, kinds=["ransomware"], hours_ago=100)
    answered = declare(lux, lux_policy, manager, kinds=["ddos"], hours_ago=3, personal_data="no")
    ask = request_service.ask(
        answered,
        user=manager,
        item="",
        title="Factures",
        details="",
        due_at=timezone.now() + timedelta(days=2),
    )
    request_service.answer(ask, user=manager, text="Envoyées par courrier")
    for incident in (quiet, overdue, answered):
        refresh(incident)
    return {"quiet": quiet, "overdue": overdue, "answered": answered, "lux": lux}


def test_it_puts_what_needs_the_broker_first(client_for, broker, portfolio):
    rows = references(client_for(broker).get(URL))
    assert rows[0] == portfolio["overdue"].reference
    assert rows[1] == portfolio["answered"].reference
    assert rows[2] == portfolio["quiet"].reference


def test_it_counts_overdue_steps(client_for, broker, portfolio):
    response = client_for(broker).get(URL)
    row = next(r for r in response.context["rows"] if r.pk == portfolio["overdue"].pk)
    expected = Step.objects.filter(
        incident=portfolio["overdue"], status="todo", applicable=True, due_at__lte=timezone.now()
    ).count()
    assert expected > 0 and row.overdue_steps == expected
    assert row.urgency == "late"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "ddos"}, ["answered"]),
        ({"country": "LU"}, ["answered"]),
        ({"overdue": "1"}, ["overdue"]),
        ({"requests": "1"}, ["answered"]),
        ({"q": "kirchberg"}, ["answered"]),
        ({"state": "declared", "kind": "phishing", "country": "FR"}, ["quiet"]),
    ],
)
def test_it_filters_from_the_url(client_for, broker, portfolio, query, expected):
    response = client_for(broker).get(URL, query)
    assert sorted(references(response)) == sorted(portfolio[name].reference for name in expected)


def test_it_searches_by_reference(client_for, broker, portfolio):
    reference = portfolio["quiet"].reference
    assert references(client_for(broker).get(URL, {"q": reference.lower()})) == [reference]


def test_it_filters_by_company_and_discovery_period(client_for, broker, portfolio, company):
    client = client_for(broker)
    rows = references(client.get(URL, {"company": portfolio["lux"].pk}))
    assert rows == [portfolio["answered"].reference]
    today = timezone.localdate()
    rows = references(client.get(URL, {"discovered_from": today - timedelta(days=1)}))
    assert portfolio["overdue"].reference not in rows and len(rows) == 2


def test_it_filters_incomplete_files(client_for, broker, portfolio):
    summary = portfolio["quiet"].claim_summary
    summary.percent = 100
    summary.save()
    rows = references(client_for(broker).get(URL, {"incomplete": "1"}))
    assert portfolio["quiet"].reference not in rows and len(rows) == 2


def test_it_sorts_by_discovery_and_completeness(client_for, broker, portfolio):
    client = client_for(broker)
    rows = references(client.get(URL, {"sort": "discovered_asc"}))
    assert rows[0] == portfolio["overdue"].reference
    rows = references(client.get(URL, {"sort": "discovered"}))
    assert rows[0] == portfolio["quiet"].reference
    for name, percent in (("quiet", 50), ("overdue", 80), ("answered", 20)):
        summary = portfolio[name].claim_summary
        summary.percent = percent
        summary.save()
    rows = references(client.get(URL, {"sort": "completeness"}))
    assert rows == [portfolio[name].reference for name in ("answered", "quiet", "overdue")]


def test_it_refuses_a_company_outside_the_portfolio(client_for, broker, portfolio, other_company):
    response = client_for(broker).get(URL, {"company": other_company.pk})
    assert response.status_code == 200
    assert references(response) == []
    assert "Ces filtres ne sont pas valables" in response.text


@pytest.mark.parametrize(
    "query",
    [{"state": "bogus"}, {"kind": "alien"}, {"sort": "price"}, {"discovered_from": "yesterday"}],
)
def test_it_shows_nothing_and_says_why_for_unknown_values(client_for, broker, portfolio, query):
    response = client_for(broker).get(URL, query)
    assert references(response) == []
    assert "Ces filtres ne sont pas valables" in response.text


def test_it_shows_the_last_page_for_a_page_out_of_range(client_for, broker, portfolio):
    response = client_for(broker).get(URL, {"page": "99"})
    assert response.status_code == 200
    assert len(references(response)) == 3
    assert escape("La page 99 n'existe pas : voici la dernière.") in response.text


def test_it_shows_the_first_page_for_a_page_that_is_no_number(client_for, broker, portfolio):
    response = client_for(broker).get(URL, {"page": "abc"})
    assert len(references(response)) == 3
    assert escape("Ce numéro de page n'est pas valable : voici la première.") in response.text


def test_it_paginates(client_for, broker, portfolio, settings, monkeypatch):
    from broker.views import portfolio as view

    monkeypatch.setattr(view, "PER_PAGE", 2)
    client = client_for(broker)
    first = client.get(URL, {"sort": "discovered"})
    second = client.get(URL, {"sort": "discovered", "page": 2})
    assert len(references(first)) == 2 and len(references(second)) == 1
    assert "page=2" in first.text and "sort=discovered" in first.text


def test_it_answers_htmx_with_the_results_only(client_for, broker, portfolio):
    response = client_for(broker).get(URL, {"kind": "ddos"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="results"' in response.text
    assert "<html" not in response.text and "portfolio-filters" not in response.text
    assert portfolio["answered"].reference in response.text
    assert "HX-Request" in response["Vary"]
