"""A broker filters the portfolio, asks for the complaint receipt; the manager answers with
the file from the incident page; the broker accepts it."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 900}
RECEIPT = b"%PDF-1.4\nRecepisse de depot de plainte - PV 2026/00123\n%%EOF\n"


@pytest.fixture
def receipt(tmp_path):
    path = tmp_path / "recepisse-plainte.pdf"
    path.write_bytes(RECEIPT)
    return path


def test_it_takes_a_request_from_the_portfolio_to_an_accepted_receipt(
    sign_in, screenshot, live_server, broker, manager, incident, other_incident, receipt
):
    desk = sign_in(broker, viewport=DESK)
    desk.goto(f"{live_server.url}/courtier/")
    results = desk.locator("#results")
    expect(results).to_contain_text(incident.reference)

    # The search updates the list in place and the address, so the filter can be shared.
    desk.get_by_label("Entreprise ou référence").fill("lefèvre")
    expect(desk).to_have_url(re.compile(r"q=lef"))
    expect(results).to_contain_text("1 incident")
    desk.get_by_label("Nature").select_option("ransomware")
    expect(desk).to_have_url(re.compile(r"kind=ransomware"))
    expect(results.get_by_role("link", name=incident.reference, exact=True)).to_be_visible()
    screenshot(desk, "broker-1-portfolio")
    # The table fits the desk's width: nothing scrolls sideways.
    wrap = desk.locator(".table-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1")

    results.get_by_role("link", name=incident.reference, exact=True).click()
    completeness = desk.locator("#completeness")
    expect(completeness).to_contain_text("Récépissé de plainte")
    completeness.locator("li", has_text="Récépissé de plainte").get_by_role(
        "link", name="Demander au client"
    ).click()
    form = desk.locator("#request-form")
    expect(form.get_by_label("Élément du dossier")).to_have_value("complaint_receipt")
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    form.get_by_label("À fournir avant le").fill(due)
    form.get_by_role("button", name="Envoyer la demande").click()
    expect(desk.locator(".messages")).to_contain_text("Demande envoyée au client.")
    expect(desk.locator("#requests")).to_contain_text("Demandée")

    # The manager sees the request at the top of the incident page and answers with the file.
    phone = sign_in(manager)
    phone.goto(f"{live_server.url}/incidents/{incident.reference}/")
    requests = phone.locator("#broker-requests")
    expect(requests).to_contain_text("Votre courtier vous demande 1 élément")
    expect(requests).to_contain_text("Récépissé de plainte")
    requests.get_by_label("Votre réponse").fill("Plainte déposée au commissariat de Nantes")
    requests.get_by_label("Fichiers").set_input_files(str(receipt))
    screenshot(phone, "broker-2-manager-answers")
    requests.get_by_role("button", name="Envoyer la réponse").click()
    expect(phone.locator(".messages")).to_contain_text("Réponse envoyée à votre courtier.")
    expect(phone.locator("#evidence")).to_contain_text(hashlib.sha256(RECEIPT).hexdigest())

    # The broker reviews the answer, with the file and its fingerprint, and accepts it.
    desk.reload()
    request = desk.locator("#requests article").first
    expect(request).to_contain_text("Répondue, à vérifier")
    expect(request).to_contain_text("recepisse-plainte.pdf")
    request.get_by_role("button", name="Accepter").click()
    expect(desk.locator(".messages")).to_contain_text("Demande acceptée et close.")
    expect(desk.locator("#requests article").first).to_contain_text("Acceptée")
    screenshot(desk, "broker-3-accepted")

    # The phone shows the portfolio as cards, without sideways scrolling.
    # A second page of the same signed-in session: a second sign-in within the same 30 s would
    # give the authenticator's code again, which two-factor rightly refuses.
    small = desk.context.new_page()
    small.set_viewport_size({"width": 360, "height": 740})
    small.goto(f"{live_server.url}/courtier/")
    expect(small.locator("#results")).to_contain_text(incident.reference)
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(small, "broker-4-phone")
