"""One rule decides who sees an incident; every URL that names one must obey it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coverage.models import Policy
from incident_app.models import Incident

pytestmark = pytest.mark.django_db


def test_it_lets_each_party_see_the_incident(
    incident, manager, member, broker, auditor, granted_staff
):
    for user in (manager, member, broker, auditor, granted_staff):
        assert list(Incident.objects.visible_to(user)) == [incident]


def test_it_hides_the_incident_from_other_parties(incident, outsider, other_broker, other_auditor):
    for user in (outsider, other_broker, other_auditor):
        assert not Incident.objects.visible_to(user).filter(pk=incident.pk).exists()


def test_it_hides_policies_of_others(policy, other_policy, manager, broker, outsider):
    assert list(Policy.objects.visible_to(manager)) == [policy]
    assert list(Policy.objects.visible_to(broker)) == [policy]
    assert list(Policy.objects.visible_to(outsider)) == [other_policy]


def _incident_urls(incident):
    """Every URL pattern of the site that takes an incident reference, filled in."""
    step = incident.steps.order_by("order").first()
    evidence = incident.evidence.first()
    values = {
        "reference": incident.reference,
        "key": step.key,
        "pk": evidence.pk if evidence else 1,
    }

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if "admin" in str(pattern.pattern):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                params = set(pattern.pattern.converters)
                if "reference" in params:
                    yield namespace + pattern.name, {k: values[k] for k in params}

    for name, kwargs in walk(get_resolver().url_patterns):
        yield name, reverse(name, kwargs=kwargs)


def test_it_answers_404_to_outsiders_on_every_incident_url(
    client_for, incident, outsider, other_broker, other_auditor
):
    urls = list(_incident_urls(incident))
    for user in (outsider, other_broker, other_auditor):
        client = client_for(user)
        for name, url in urls:
            assert client.get(url).status_code == 404, (name, user.email)
            assert client.post(url, {}).status_code in (404, 405), (name, user.email)
