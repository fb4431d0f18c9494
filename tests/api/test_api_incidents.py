"""The API's incident list and incident: who sees what, pagination, synchronisation, limits."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from incident_app.models import Incident
from incident_app.services.incidents import open_incident

LIST = "/api/v1/incidents"


def _refs(response):
    return {item["reference"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("organisation", "sees"),
    [
        ("insurer", {"incident"}),
        ("other_insurer", {"other_incident"}),
        ("broker_org", {"incident"}),
        ("company", {"incident"}),
        ("other_company", {"other_incident"}),
    ],
)
def test_it_lists_what_the_tokens_organisation_sees(
    client, token_for, bearer, incident, other_incident, organisation, sees, request
):
    raw = token_for(request.getfixturevalue(organisation))
    response = client.get(LIST, **bearer(raw))
    assert response.status_code == 200
    expected = {request.getfixturevalue(name).reference for name in sees}
    assert _refs(response) == expected


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("auditor", {"incident"}),
        ("other_auditor", {"other_incident"}),
        ("broker", {"incident"}),
        ("manager", {"incident"}),
        ("outsider", {"other_incident"}),
    ],
)
def test_it_lists_what_a_signed_in_person_sees(
    client_for, incident, other_incident, user, sees, request
):
    response = client_for(request.getfixturevalue(user)).get(LIST)
    expected = {request.getfixturevalue(name).reference for name in sees}
    assert _refs(response) == expected


def test_it_answers_401_without_a_token(client, incident):
    assert client.get(LIST).status_code == 401


def test_it_answers_401_to_a_revoked_or_unknown_token(client, token_for, bearer, insurer, incident):
    raw = token_for(insurer)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get(LIST, **bearer(raw)).status_code == 401
    assert client.get(LIST, **bearer("rip_made-up")).status_code == 401


def test_it_records_when_a_token_was_last_used(client, token_for, bearer, insurer, incident):
    raw = token_for(insurer)
    client.get(LIST, **bearer(raw))
    assert ApiToken.objects.get().last_used_at is not None


def test_it_shows_an_incident_with_its_steps_and_deadlines(
    client, token_for, bearer, insurer, incident
):
    response = client.get(f"{LIST}/{incident.reference}", **bearer(token_for(insurer)))
    data = response.json()
    assert data["reference"] == incident.reference
    assert data["policy"] == {
        "number": "HZ-1",
        "insurer": "Horizon Assurances",
        "broker": "Durand Courtage",
    }
    complaint = next(s for s in data["steps"] if s["key"] == "complaint")
    assert complaint["deadline_state"] == "open"
    assert complaint["due_at"].startswith(str((incident.discovered_at + timedelta(hours=72)).year))
    assert "L12-10-1" in complaint["legal_source"]
    assert data["journal_head"]["seq"] == incident.journal_head_seq


def test_it_is_a_404_for_an_incident_of_another_organisation(
    client, token_for, bearer, other_insurer, incident
):
    response = client.get(f"{LIST}/{incident.reference}", **bearer(token_for(other_insurer)))
    assert response.status_code == 404
    assert incident.reference not in response.text


def test_it_pages_with_a_cursor_until_the_end(
    client, token_for, bearer, insurer, incident, company, policy, manager
):
    for hours in (3, 4):
        open_incident(
            company=company,
            policy=policy,
            kinds=["ddos"],
            discovered_at=timezone.now() - timedelta(hours=hours),
            personal_data="no",
            declared_by=manager,
        )
    auth = bearer(token_for(insurer))
    first = client.get(LIST, {"limit": 2}, **auth).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(LIST, {"limit": 2, "cursor": first["next_cursor"]}, **auth).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    seen = _refs_of(first) | _refs_of(second)
    assert seen == set(Incident.objects.values_list("reference", flat=True))


def _refs_of(page):
    return {item["reference"] for item in page["items"]}


def test_it_gives_only_what_changed_since_a_moment(
    client, token_for, bearer, insurer, incident, manager
):
    from incident_app.services.steps import complete_step

    auth = bearer(token_for(insurer))
    since = timezone.now()
    assert client.get(LIST, {"updated_since": since.isoformat()}, **auth).json()["items"] == []
    # Completing a step journals it, which moves the incident's updated_at.
    complete_step(incident.steps.get(key="hotline"), user=manager)
    response = client.get(LIST, {"updated_since": since.isoformat()}, **auth).json()
    assert _refs_of(response) == {incident.reference}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"cursor": "garbage"}, 400),
        ({"limit": 0}, 422),
        ({"limit": 1000}, 422),
        ({"updated_since": "yesterday"}, 422),
        ({"updated_since": "2026-10-01T00:00:00"}, 400),
    ],
)
def test_it_refuses_bad_parameters_with_a_clear_error(
    client, token_for, bearer, insurer, incident, query, status
):
    response = client.get(LIST, query, **bearer(token_for(insurer)))
    assert response.status_code == status
    assert "detail" in response.json()


def test_it_limits_the_rate_per_token(client, token_for, bearer, insurer, incident, settings):
    settings.RIPOSTE_API_RATE = "2/min"
    cache.clear()
    auth = bearer(token_for(insurer))
    assert client.get(LIST, **auth).status_code == 200
    assert client.get(LIST, **auth).status_code == 200
    assert client.get(LIST, **auth).status_code == 429
    # Another token has its own allowance.
    assert client.get(LIST, **bearer(token_for(insurer))).status_code == 200


def test_it_serves_its_openapi_description_by_name(client, incident):
    assert client.get(reverse("api:openapi-json")).status_code == 200
