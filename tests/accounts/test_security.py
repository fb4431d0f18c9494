"""The account's security page: recovery codes, turning it off, signing out everywhere."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_offers_a_company_manager_to_turn_it_on(client_for, manager):
    response = client_for(manager).get(reverse("security"))
    assert "Désactivée" in response.text
    assert reverse("two_factor_setup") in response.text


def test_it_gives_new_recovery_codes_and_the_old_stop_working(client_for, broker):
    old = two_factor.new_recovery_codes(broker)
    response = client_for(broker).post(reverse("recovery_codes"))
    assert response.status_code == 200
    assert old[0] not in response.text
    assert two_factor.recovery_codes_left(broker) == 10
    from django_otp import match_token

    assert match_token(broker, old[0]) is None


def test_it_lets_a_company_manager_turn_it_off(client, manager):
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    client.force_login(manager)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    response = client.post(reverse("two_factor_off"), follow=True)
    assert "Double authentification désactivée." in response.text
    assert not two_factor.is_enrolled(manager)
    assert client.get(reverse("company_home")).status_code == 200


def test_it_refuses_to_turn_it_off_for_a_broker(client_for, broker):
    response = client_for(broker).post(reverse("two_factor_off"), follow=True)
    assert "obligatoire pour ce compte" in response.text
    assert two_factor.is_enrolled(broker)


def test_it_signs_out_every_session_of_the_account(client, manager):
    laptop, phone = Client(), Client()
    assert laptop.login(username=manager.email, password=PASSWORD)
    phone.force_login(manager)
    response = phone.post(reverse("sign_out_everywhere"), follow=True)
    assert "déconnecté de tous vos appareils" in response.text
    for device in (laptop, phone):
        assert device.get(reverse("company_home"))["Location"].startswith(reverse("login"))
    # Signing in again works as before.
    assert laptop.login(username=manager.email, password=PASSWORD)
    assert laptop.get(reverse("company_home")).status_code == 200


def test_it_leaves_other_accounts_signed_in(client, manager, member):
    other = Client()
    other.force_login(member)
    client.force_login(manager)
    client.post(reverse("sign_out_everywhere"))
    assert other.get(reverse("company_home")).status_code == 200


def test_it_refuses_a_get_to_sign_out_everywhere(client_for, manager):
    assert client_for(manager).get(reverse("sign_out_everywhere")).status_code == 405


def test_it_shows_the_security_page_to_get_only(client_for, manager):
    assert client_for(manager).post(reverse("security")).status_code == 405
