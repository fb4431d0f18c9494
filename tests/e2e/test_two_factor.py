"""An auditor sets up an authenticator app in the browser, then signs in with its code."""

import base64

import pytest
from django_otp.oath import totp

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_for(secret_text: str) -> str:
    key = base64.b32decode(
        secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8)
    )
    return f"{totp(key):06d}"


def test_it_sets_up_an_app_from_the_page_and_asks_for_it_next_time(
    browser, live_server, auditor, incident, screenshot
):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Adresse e-mail").fill(auditor.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Activer la double authentification"
    assert page.locator(".qr-code svg").is_visible()
    screenshot(page, "two-factor-setup")
    secret = page.locator("#secret").inner_text()
    page.get_by_label("Code affiché par l'application").fill(code_for(secret))
    page.get_by_role("button", name="Activer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Codes de secours"
    codes = page.get_by_role("list", name="Codes de secours").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="J'ai noté mes codes").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Audit des délais"

    # Next time: the password, then a recovery code (the app's code was used just now).
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Adresse e-mail").fill(auditor.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Double authentification"
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Vérifier").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Audit des délais"
    assert "il vous en reste 9" in page.get_by_role("status").first.inner_text()
    context.close()
