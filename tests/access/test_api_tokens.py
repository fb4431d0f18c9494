"""The API by token, in the access matrix: a token reads what its organisation's members see,
every other incident is a 404, and a request without a valid token (nor session) is a 401."""

import pytest
from django.urls import reverse

from api.models import ApiToken

from .test_matrix import SITE, classify

pytestmark = pytest.mark.django_db

INCIDENT_URLS = sorted(
    name for name in SITE if name.startswith("api:") and classify(name).object == "incident"
)


@pytest.fixture
def tokens(broker_org, other_broker_org, insurer, other_insurer, broker, other_broker):
    """A secret of each organisation, by the side it sees: the company's broker and insurer
    see the own incident; the other company's see the foreign one."""

    def issue(organisation, user):
        return ApiToken.issue(organisation=organisation, name="Outil", created_by=user)[1]

    return {
        "own": [issue(broker_org, broker), issue(insurer, broker)],
        "foreign": [issue(other_broker_org, other_broker), issue(other_insurer, other_broker)],
    }


def test_it_covers_every_incident_url_of_the_api():
    assert len(INCIDENT_URLS) == 7


def test_it_answers_a_token_as_its_organisation_sees(
    client, incident, other_incident, tokens
):  # fmt: skip
    incidents = {"own": incident, "foreign": other_incident}
    wrong = []
    for name in INCIDENT_URLS:
        for side, inc in incidents.items():
            path = reverse(name, kwargs={"reference": inc.reference})
            for token_side, secrets in tokens.items():
                want = 200 if token_side == side else 404
                for secret in secrets:
                    got = client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
                    if got != want:
                        wrong.append(f"{path} with a {token_side} token: {got}, expected {want}")
            for header in ({}, {"HTTP_AUTHORIZATION": "Bearer rip_forged"}):
                if (got := client.get(path, **header).status_code) != 401:
                    wrong.append(f"{path} with {header or 'nothing'}: {got}, expected 401")
    assert not wrong, "\n".join(wrong)


def test_it_lists_only_what_a_token_sees(client, incident, other_incident, tokens):
    path = reverse("api:incident_list")
    for side, inc, other in (
        ("own", incident, other_incident),
        ("foreign", other_incident, incident),
    ):
        for secret in tokens[side]:
            response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")
            assert response.status_code == 200
            references = {item["reference"] for item in _items(response.json())}
            assert inc.reference in references
            assert other.reference not in references


def test_it_refuses_a_revoked_token(client, incident, tokens):
    from django.utils import timezone

    ApiToken.objects.update(revoked_at=timezone.now())
    path = reverse("api:incident_detail", kwargs={"reference": incident.reference})
    assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {tokens['own'][0]}").status_code == 401


def _items(payload):
    return payload["items"] if isinstance(payload, dict) else payload
