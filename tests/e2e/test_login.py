"""Each demo role signs in through the real login page and lands on its own home."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("manager", "Mes incidents"),
        ("member", "Mes incidents"),
        ("broker", "Portefeuille de sinistres"),
        ("auditor", "Audit des délais"),
    ],
)
def test_it_signs_each_role_in_to_its_home(request, sign_in, screenshot, incident, who, heading):
    user = request.getfixturevalue(who)
    page = sign_in(user)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    if who == "auditor":
        # The audit shows figures; the incidents behind them are one click away.
        page.goto(page.url.split("/assureur/")[0] + reverse("insurer_incidents"))
    assert page.get_by_text(incident.reference).is_visible()
    screenshot(page, f"home-{who}")


def test_it_refuses_a_wrong_password(browser, live_server, manager):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Adresse e-mail").fill(manager.email)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text() == "Adresse e-mail ou mot de passe incorrect."
    context.close()


def test_it_speaks_english_to_a_browser_that_asks_for_it(browser, live_server):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/compte/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert page.get_by_label("E-mail address").is_visible()
    context.close()
