"""Managing an organisation's API tokens: shown once, stored hashed, revocable, last use."""

import hashlib
import re

import pytest
from django.urls import reverse

from api.models import ApiToken


def _create(client, organisation, name="Système sinistres"):
    return client.post(reverse("api_tokens"), {"organisation": organisation.pk, "name": name})


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(client_for, auditor, insurer, incident):
    client = client_for(auditor)
    response = _create(client, insurer)
    raw = re.search(r"<code>(rip_[^<]+)</code>", response.text).group(1)
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values_list().get())
    assert response["Cache-Control"] == "private, no-store"
    assert raw not in client.get(reverse("api_tokens")).text
    # The token works on the API, as the insurer.
    api = client_for(auditor).get("/api/v1/incidents", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200


def test_it_shows_when_a_token_was_last_used(client_for, client, auditor, insurer, incident):
    page = client_for(auditor)
    raw = re.search(r"<code>(rip_[^<]+)</code>", _create(page, insurer).text).group(1)
    assert "jamais" in page.get(reverse("api_tokens")).text
    client.logout()
    client.get("/api/v1/incidents", HTTP_AUTHORIZATION=f"Bearer {raw}")
    page = client_for(auditor)
    assert "jamais" not in page.get(reverse("api_tokens")).text


def test_it_revokes_a_token(client_for, auditor, insurer, incident):
    client = client_for(auditor)
    raw = re.search(r"<code>(rip_[^<]+)</code>", _create(client, insurer).text).group(1)
    token = ApiToken.objects.get()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/incidents", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_it_refuses_a_token_without_a_name(client_for, auditor, insurer):
    response = _create(client_for(auditor), insurer, name="  ")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_refuses_a_token_for_another_organisation(client_for, auditor, other_insurer):
    response = _create(client_for(auditor), other_insurer)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_hides_the_tokens_of_another_organisation(
    client_for, auditor, other_auditor, insurer, other_insurer
):
    _create(client_for(auditor), insurer, name="Le nôtre")
    token = ApiToken.objects.get()
    other = client_for(other_auditor)
    assert "Le nôtre" not in other.get(reverse("api_tokens")).text
    assert other.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_lets_a_broker_manage_its_tokens(client_for, broker, broker_org):
    assert _create(client_for(broker), broker_org).status_code == 200
    assert ApiToken.objects.get().organisation == broker_org


@pytest.mark.parametrize("who", ["manager", "member", "outsider", "staff"])
def test_it_is_a_404_for_company_people_and_others(client_for, who, request, insurer):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("api_tokens")).status_code == 404
    assert _create(client, insurer).status_code == 404


def test_it_sends_anonymous_people_to_sign_in(client, db):
    assert client.get(reverse("api_tokens")).status_code == 302
