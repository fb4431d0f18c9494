"""The insurer's dashboard: figures, filters, links, charts; auditors only."""

import re

import pytest
from django.urls import reverse


def test_it_shows_the_figures_with_links_to_the_incidents_behind_them(
    client_for, auditor, portfolio
):
    text = client_for(auditor).get(reverse("insurer_home")).text
    assert "2 incidents dans la sélection" in text
    assert "step=dpa_notification&amp;verdict=late" in text
    assert "<svg" in text and 'role="img"' in text
    # A table beside the chart says the same in figures.
    assert "Par mois de découverte" in text


def test_it_draws_the_charts_without_any_script(client_for, auditor, portfolio):
    text = client_for(auditor).get(reverse("insurer_home")).text
    svg = text[text.index("<svg") : text.rindex("</svg>")]
    assert "<script" not in svg
    assert "<title" in svg


def test_it_applies_the_filters(client_for, auditor, portfolio):
    text = client_for(auditor).get(reverse("insurer_home"), {"country": "LU"}).text
    assert "1 incident dans la sélection" in text
    assert "country=LU" in text


@pytest.mark.parametrize(
    "query",
    [
        {"start": "not-a-date"},
        {"country": "XX"},
        {"broker": "abc"},
        {"policy": "NO-SUCH-POLICY"},
        {"kind": "'; DROP TABLE"},
        {"start": "2026-05-01", "end": "2026-04-01"},
    ],
)
def test_it_refuses_nonsense_filters_with_a_message_and_no_figures(
    client_for, auditor, portfolio, query
):
    response = client_for(auditor).get(reverse("insurer_home"), query)
    assert response.status_code == 200
    assert "les filtres ne sont pas valides" in response.text
    assert "incidents dans la sélection" not in response.text


def test_it_does_not_offer_the_policy_of_another_insurer(
    client_for, auditor, portfolio, other_policy
):
    response = client_for(auditor).get(reverse("insurer_home"), {"policy": other_policy.number})
    assert "les filtres ne sont pas valides" in response.text
    assert "Aucun contrat de ce numéro dans votre portefeuille." in response.text


def test_it_filters_by_policy_number(client_for, auditor, portfolio, second_policy):
    response = client_for(auditor).get(reverse("insurer_home"), {"policy": second_policy.number})
    assert "1 incident dans la sélection" in response.text


def test_it_shows_another_insurer_only_its_own_portfolio(client_for, other_auditor, portfolio):
    text = client_for(other_auditor).get(reverse("insurer_home")).text
    assert "1 incident dans la sélection" in text


@pytest.mark.parametrize("who", ["broker", "manager", "member", "outsider", "staff"])
def test_it_is_a_404_for_anyone_but_an_auditor(client_for, portfolio, who, request):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("insurer_home")).status_code == 404


def test_it_sends_anonymous_people_to_sign_in(client, portfolio):
    response = client.get(reverse("insurer_home"))
    assert response.status_code == 302
    assert re.search(r"/compte/login/", response["Location"])
