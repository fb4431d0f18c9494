"""The incidents behind a figure of the dashboard."""

import pytest
from django.urls import reverse


def test_it_lists_the_incidents_behind_a_figure(client_for, auditor, portfolio):
    response = client_for(auditor).get(
        reverse("insurer_incidents"), {"step": "dpa_notification", "verdict": "late"}
    )
    assert portfolio["incident"].reference in response.text
    assert portfolio["second"].reference not in response.text
    assert portfolio["other"].reference not in response.text


def test_it_keeps_the_filters_of_the_dashboard(client_for, auditor, portfolio):
    response = client_for(auditor).get(
        reverse("insurer_incidents"), {"country": "LU", "step": "complaint", "verdict": "on_time"}
    )
    assert portfolio["second"].reference in response.text
    assert portfolio["incident"].reference not in response.text


def test_it_lists_a_month_of_the_series(client_for, auditor, portfolio):
    month = portfolio["second"].discovered_at.strftime("%Y-%m-01")
    response = client_for(auditor).get(reverse("insurer_incidents"), {"month": month})
    assert portfolio["second"].reference in response.text
    assert portfolio["incident"].reference not in response.text


@pytest.mark.parametrize(
    "query", [{"verdict": "maybe"}, {"step": "coffee"}, {"month": "2026-13"}, {"country": "ZZ"}]
)
def test_it_lists_nothing_for_nonsense_and_says_so(client_for, auditor, portfolio, query):
    response = client_for(auditor).get(reverse("insurer_incidents"), query)
    assert response.status_code == 200
    assert "les filtres ne sont pas valides" in response.text
    assert portfolio["incident"].reference not in response.text


def test_it_shows_the_last_page_for_a_page_out_of_range(client_for, auditor, portfolio):
    response = client_for(auditor).get(reverse("insurer_incidents"), {"page": "999"})
    assert response.status_code == 200
    assert portfolio["incident"].reference in response.text
    response = client_for(auditor).get(reverse("insurer_incidents"), {"page": "abc"})
    assert portfolio["incident"].reference in response.text


def test_it_never_lists_another_insurers_incident(client_for, other_auditor, portfolio):
    response = client_for(other_auditor).get(reverse("insurer_incidents"))
    assert portfolio["other"].reference in response.text
    assert portfolio["incident"].reference not in response.text


@pytest.mark.parametrize("who", ["broker", "manager", "outsider"])
def test_it_is_a_404_for_anyone_but_an_auditor(client_for, portfolio, who, request):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("insurer_incidents")).status_code == 404


def test_it_sorts_the_list(client_for, auditor, portfolio):
    client = client_for(auditor)
    oldest_first = client.get(reverse("insurer_incidents"), {"sort": "discovered_at"}).text
    newest_first = client.get(reverse("insurer_incidents")).text
    first, second = portfolio["second"].reference, portfolio["incident"].reference
    assert oldest_first.index(first) < oldest_first.index(second)
    assert newest_first.index(second) < newest_first.index(first)
    assert client.get(reverse("insurer_incidents"), {"sort": "password"}).status_code == 200
