"""Password guessing: lockout per account and per address, its message, unlocking."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def three_tries(settings):
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(client, email, password, address="203.0.113.7", **headers):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_it_locks_an_account_out_even_with_the_right_password(client, manager):
    assert sign_in(client, manager.email, "wrong").status_code == 200
    assert sign_in(client, manager.email, "wrong").status_code == 200
    # The third failure locks: it is answered as the lockout already.
    assert sign_in(client, manager.email, "wrong").status_code == 429
    response = sign_in(client, manager.email, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.text
    assert "15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_out_from_any_other_address(client, manager):
    for index in range(3):
        sign_in(client, manager.email, "wrong", address=f"198.51.100.{index}")
    assert sign_in(client, manager.email, PASSWORD, address="192.0.2.99").status_code == 429


def test_it_counts_an_address_written_with_capitals_as_the_same_account(client, manager):
    for email in ("MANAGER@lefevre.example", "Manager@Lefevre.example", " manager@lefevre.example"):
        sign_in(client, email, "wrong", address="198.51.100.1" if "M" in email else "198.51.100.2")
    assert sign_in(client, manager.email, PASSWORD, address="192.0.2.1").status_code == 429


def test_it_locks_an_address_out_that_tries_many_accounts(client, manager):
    for index in range(3):
        sign_in(client, f"guess{index}@lefevre.example", "wrong")
    response = sign_in(client, manager.email, PASSWORD)
    assert response.status_code == 429
    # Another address still signs in to the same account.
    assert sign_in(client, manager.email, PASSWORD, address="192.0.2.1").status_code == 302


def test_it_lets_the_account_in_below_the_limit(client, manager):
    for _ in range(2):
        sign_in(client, manager.email, "wrong")
    assert sign_in(client, manager.email, PASSWORD).status_code == 302


def test_it_says_so_in_english_to_an_english_browser(client, manager):
    for _ in range(3):
        sign_in(client, manager.email, "wrong")
    response = sign_in(client, manager.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "15 minutes" in response.text


def test_it_lets_staff_lift_a_lockout(client, client_for, manager, staff):
    for _ in range(3):
        sign_in(client, manager.email, "wrong")
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts
    admin = client_for(staff)
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": attempts},
        follow=True,
    )
    assert "1 blocage levé." in response.text
    assert not AccessAttempt.objects.exists()
    admin.logout()
    assert sign_in(client, manager.email, PASSWORD).status_code == 302


def test_it_shows_staff_who_is_locked_out(client, client_for, manager, staff):
    for _ in range(3):
        sign_in(client, manager.email, "wrong")
    response = client_for(staff).get(reverse("admin:axes_accessattempt_changelist"))
    assert manager.email in response.text
    assert "203.0.113.7" in response.text


def test_it_reads_the_address_behind_trusted_proxies(client, manager, settings):
    settings.RIPOSTE_TRUSTED_PROXIES = 1
    for index in range(3):
        sign_in(
            client,
            f"guess{index}@lefevre.example",
            "wrong",
            address="10.0.0.2",
            # What the client wrote (left) changes each time; the proxy's entry does not.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}, 203.0.113.50",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}
    response = sign_in(
        client, manager.email, PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert response.status_code == 429
