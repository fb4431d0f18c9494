"""Browser tests: Playwright driving the system's Chromium against a live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, current_code, second_factor
from tests.environment import CHROMIUM, missing_browser

# The live server runs in a thread; Playwright's sync API keeps an event loop in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The product must work on a 360 px wide phone, the narrowest still common.
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser():
    if reason := missing_browser():
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under test-artifacts/ for people to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def sign_in(browser, live_server):
    """Open a phone-sized page signed in as ``user`` (JavaScript on unless told otherwise)."""
    contexts = []

    def open_page(user, *, javascript=True, viewport=PHONE):
        context = browser.new_context(
            viewport=viewport, java_script_enabled=javascript, locale="fr-FR"
        )
        contexts.append(context)
        page = context.new_page()
        # The app exists before signing in, as it would for a person: sign-in then asks
        # for its code rather than for setting one up.
        device = second_factor(user)
        page.goto(f"{live_server.url}/compte/login/")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        if device is not None:
            page.get_by_label("Code").fill(current_code(device))
            page.get_by_role("button", name="Vérifier").click()
            page.wait_for_load_state()
        return page

    yield open_page
    for context in contexts:
        context.close()
