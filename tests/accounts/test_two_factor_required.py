"""A broker, an auditor or staff without a second factor reaches no page but that step."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import OPEN_BEFORE_SECOND_FACTOR

pytestmark = pytest.mark.django_db


def every_page():
    """Every named URL of the site, with placeholder arguments (the step comes first)."""
    pages = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                space = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), space)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}".lstrip(":")
                pages.append((name, route))

    walk(get_resolver().url_patterns, "", "")
    urls = {}
    for name, route in pages:
        if name.split(":")[-1] in OPEN_BEFORE_SECOND_FACTOR:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: placeholder(m.group(1)), route)
        if "^" in path or "(?P" in path:
            continue  # regular-expression routes of the admin: named ones are enough
        urls[name] = path
    return sorted(urls.items())


def placeholder(argument):
    return {"pk": "1", "object_id": "1", "reference": "RIP-X", "key": "hotline"}.get(argument, "x")


PAGES = every_page()


def test_it_covers_the_pages_of_every_package():
    names = dict(PAGES)
    for name in ("home", "incident_detail", "broker_home", "insurer_home", "admin:index"):
        assert name in names
    assert "security" in names and "two_factor_verify" not in names


@pytest.fixture(params=["broker", "auditor", "staff"])
def needs_one(request):
    return request.getfixturevalue(request.param)


def test_it_sends_an_account_without_an_app_to_set_one_up(client, needs_one):
    client.force_login(needs_one)
    for name, path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("two_factor_setup") + "?next="), name


def test_it_asks_an_account_with_an_app_for_its_code(client, auditor):
    TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    client.force_login(auditor)
    for name, path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("two_factor_verify") + "?next="), name
        response = client.post(path, {"anything": "1"})
        assert response.status_code == 302, name
        assert response["Location"] == reverse("two_factor_verify"), name


def test_it_answers_htmx_with_a_redirect_of_the_whole_page(client, broker, incident):
    client.force_login(broker)
    response = client.get(
        reverse("incident_detail", args=[incident.reference]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("two_factor_setup")


def test_it_lets_a_company_manager_in_with_the_password_alone(client, manager):
    client.force_login(manager)
    assert client.get(reverse("company_home")).status_code == 200


def test_it_asks_a_company_manager_who_turned_it_on(client, manager):
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    client.force_login(manager)
    response = client.get(reverse("company_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_it_asks_staff_made_so_after_signing_in(client, manager):
    client.force_login(manager)
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    response = client.get(reverse("company_home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_it_signs_out_a_company_user_given_a_role_that_requires_it(client, member, broker_org):
    from incident_app.models import Membership

    client.force_login(member)
    assert client.get(reverse("company_home")).status_code == 200
    Membership.objects.create(user=member, organisation=broker_org, role="broker")
    response = client.get(reverse("company_home"))
    assert response["Location"].startswith(reverse("login"))


def test_it_lets_the_signed_in_fixture_through(client_for, broker, auditor, staff, incident):
    assert client_for(broker).get(reverse("broker_home")).status_code == 200
    assert client_for(auditor).get(reverse("insurer_home")).status_code == 200
    assert client_for(staff).get(reverse("admin:index")).status_code == 200
