"""The code page after the password."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(broker):
    return TOTPDevice.objects.create(user=broker, name="app", confirmed=True)


def signed_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_it_asks_for_the_code_after_the_password(client, broker, app):
    signed_in(client, broker)
    response = client.get(reverse("broker_home"))
    assert response["Location"] == reverse("two_factor_verify") + "?next=%2Fcourtier%2F"
    page = client.get(response["Location"])
    assert "Entrez le code à six chiffres" in page.text
    # The page shows nothing of the account's work yet: no notifications.
    assert "notification" not in page.text.lower().split("<main", 1)[0]


def test_it_lets_the_account_in_with_the_current_code(client, broker, app):
    signed_in(client, broker)
    before = client.session.session_key
    response = client.post(
        reverse("two_factor_verify"), {"code": current_code(app), "next": "/courtier/"}
    )
    assert response.status_code == 302 and response["Location"] == "/courtier/"
    assert client.get(reverse("broker_home")).status_code == 200
    assert client.session.session_key != before


def test_it_accepts_a_code_typed_with_a_space(client, broker, app):
    signed_in(client, broker)
    code = current_code(app)
    response = client.post(reverse("two_factor_verify"), {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302


def test_it_refuses_a_wrong_code_and_says_so(client, broker, app):
    signed_in(client, broker)
    response = client.post(reverse("two_factor_verify"), {"code": "000000"})
    assert response.status_code == 400
    assert "Code incorrect ou expiré" in response.text
    assert client.get(reverse("broker_home")).status_code == 302


def test_it_refuses_a_code_used_once_already(client, broker, app):
    signed_in(client, broker)
    code = current_code(app)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    client.logout()
    signed_in(client, broker)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 400


def test_it_refuses_a_redirect_elsewhere(client, broker, app):
    signed_in(client, broker)
    response = client.post(
        reverse("two_factor_verify"), {"code": current_code(app), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_it_lets_a_recovery_code_in_once_and_counts_what_is_left(client, broker, app):
    codes = two_factor.new_recovery_codes(broker)
    signed_in(client, broker)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]}, follow=True)
    assert "il vous en reste 9" in response.text
    client.logout()
    signed_in(client, broker)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 400
    assert two_factor.recovery_codes_left(broker) == 9


def test_it_refuses_to_set_up_another_app_before_the_code(client, broker, app):
    signed_in(client, broker)
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"] == reverse("two_factor_verify")
    assert not TOTPDevice.objects.filter(user=broker, confirmed=False).exists()


def test_it_lets_the_account_sign_out_from_the_code_page(client, broker, app):
    signed_in(client, broker)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
