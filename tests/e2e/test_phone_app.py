"""The phone: the hotline inside the first screen, and the installed app working offline."""

import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_puts_the_hotline_inside_the_first_screen_after_declaring(
    sign_in, screenshot, manager, policy
):
    page = sign_in(manager)
    page.get_by_role("link", name="Déclarer une attaque").click()
    # The declaration form: about two screens, the kinds' explanations one tap away.
    form_height = page.evaluate("document.documentElement.scrollHeight")
    assert form_height <= 2.2 * PHONE["height"], form_height
    explanation = page.get_by_text("Des fichiers sont chiffrés ou illisibles", exact=False).first
    expect(explanation).to_be_hidden()
    page.locator("details.kind-help summary").first.click()
    expect(explanation).to_be_visible()
    screenshot(page, "phone-1-declare")

    page.get_by_role("checkbox", name=re.compile(r"^Rançongiciel")).check()
    page.get_by_role("radio", name="Je ne sais pas").first.check()
    page.get_by_role("button", name="Déclarer l’attaque").click()
    hotline = page.get_by_role("link", name=re.compile("Appeler l’assistance"))
    expect(hotline).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    box = hotline.bounding_box()
    screenshot(page, "phone-2-hotline-first")
    assert box["y"] + box["height"] <= PHONE["height"], box


def test_it_works_offline_from_the_last_copy(
    sign_in, screenshot, live_server, manager, member, incident
):
    member.mobile = "+33698765432"
    member.mobile_verified_at = timezone.now()
    member.save()
    complaint = incident.steps.get(key="complaint")
    page = sign_in(manager)
    context = page.context

    manifest_href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = json.loads(page.request.get(live_server.url + manifest_href).text())
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(live_server.url + icon["src"]).ok
    worker = page.request.get(live_server.url + "/sw.js")
    assert worker.ok and worker.headers["service-worker-allowed"] == "/"

    # The worker takes charge, and the card and the incident are read once online.
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    # It claims the open pages as soon as it is active.
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    page.goto(f"{live_server.url}/carte-reflexe/")
    page.goto(f"{live_server.url}/incidents/{incident.reference}/")
    expect(page.locator("#step-panel")).to_be_visible()

    context.set_offline(True)
    page.goto(f"{live_server.url}/carte-reflexe/")
    expect(page.locator("[data-offline-note]")).to_be_visible()
    expect(page.locator("[data-offline-note]")).to_contain_text("Hors ligne")
    call = page.get_by_role("link", name=re.compile("Appeler l’assistance"))
    assert call.get_attribute("href") == "tel:+33180401234"
    expect(page.get_by_text("Durand Courtage")).to_be_visible()
    assert page.get_by_role("link", name="06 98 76 54 32").get_attribute("href") == (
        "tel:+33698765432"
    )
    expect(page.get_by_text("Porter plainte")).to_be_visible()
    due = complaint.due_at.astimezone(incident.company.zone)
    expect(page.locator(".deadlines")).to_contain_text(f"{due:%H:%M}")
    screenshot(page, "phone-3-offline-card")

    # A page never opened falls back to the card; an incident seen before is still there.
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("heading", name="Carte réflexe")).to_be_visible()
    page.goto(f"{live_server.url}/incidents/{incident.reference}/")
    expect(page.locator("[data-offline-note]")).to_be_visible()

    # A note typed offline is not lost: it stays, with a word on why nothing was sent.
    note = page.locator("#journal textarea").first
    note.fill("Appel du prestataire à 10 h")
    page.locator("#journal button[type=submit]").first.click()
    expect(page.get_by_role("alert").filter(has_text="Pas de réseau")).to_be_visible()
    expect(note).to_have_value("Appel du prestataire à 10 h")
    screenshot(page, "phone-4-offline-form")

    context.set_offline(False)
