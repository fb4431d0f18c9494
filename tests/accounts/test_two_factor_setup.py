"""Setting up an authenticator app: the QR code, the confirmation, the recovery codes."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.conftest import current_code

pytestmark = pytest.mark.django_db


def test_it_shows_a_qr_code_drawn_on_the_server_and_the_key(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=auditor, confirmed=False)
    assert "<svg" in response.text and "<script" not in response.text.split("<main", 1)[1]
    assert two_factor.secret_for_typing(device) in response.text
    assert "plusieurs entreprises : un second facteur est obligatoire" in response.text
    # The same pending app on a reload, so a scan made before still works.
    client.get(reverse("two_factor_setup"))
    assert TOTPDevice.objects.filter(user=auditor).count() == 1


def test_it_puts_the_accounts_address_in_the_qr_code(auditor):
    device = two_factor.pending_app(auditor)
    assert "issuer=Riposte" in device.config_url
    assert "auditor%40horizon.example" in device.config_url


def test_it_turns_it_on_with_a_code_and_shows_recovery_codes_once(client, auditor):
    client.force_login(auditor)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=auditor)
    response = client.post(
        reverse("two_factor_setup"), {"code": current_code(device), "next": "/assureur/"}
    )
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = list(StaticToken.objects.filter(device__user=auditor).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in response.text for code in codes)
    # This session carries on with its second factor.
    assert client.get(reverse("insurer_home")).status_code == 200


def test_it_signs_out_the_other_sessions_when_it_turns_on(client, manager):
    other = Client()
    other.force_login(manager)
    client.force_login(manager)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=manager)
    client.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert client.get(reverse("company_home")).status_code == 200
    response = other.get(reverse("company_home"))
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_wrong_code_and_turns_nothing_on(client, auditor):
    client.force_login(auditor)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": "123456"})
    assert response.status_code == 400
    assert "Code incorrect" in response.text
    assert not TOTPDevice.objects.filter(user=auditor, confirmed=True).exists()
    assert not StaticToken.objects.exists()


def test_it_replaces_the_old_app_with_a_new_one(client_for, broker):
    client = client_for(broker)
    old = TOTPDevice.objects.get(user=broker, confirmed=True)
    client.get(reverse("two_factor_setup"))
    new = TOTPDevice.objects.get(user=broker, confirmed=False)
    client.post(reverse("two_factor_setup"), {"code": current_code(new)})
    assert list(TOTPDevice.objects.filter(user=broker).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
