"""A manager on a phone declares a ransomware attack and follows the first reflexes,
with JavaScript and without."""

import hashlib
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RANSOM_NOTE = b"YOUR FILES ARE ENCRYPTED.\nSend 2 BTC to bc1q... within 72 hours.\n"


@pytest.fixture
def ransom_note(tmp_path):
    path = tmp_path / "note-de-rancon.txt"
    path.write_bytes(RANSOM_NOTE)
    return path


def complete(page, proof_label=None, proof=None, details=None, files=None):
    form = page.locator("form.step-form")
    if proof_label:
        form.get_by_label(proof_label).fill(proof)
    if details:
        form.get_by_label("Précisions").fill(details)
    if files:
        form.get_by_label("Fichiers de preuve (facultatif)").set_input_files(files)
    form.get_by_role("button", name="C’est fait").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_it_guides_a_manager_through_the_first_reflexes(
    sign_in, screenshot, manager, policy, ransom_note, javascript
):
    tag = "js" if javascript else "nojs"
    page = sign_in(manager, javascript=javascript)

    # Declare: one tap from the home page, a short form.
    page.get_by_role("link", name="Déclarer une attaque").click()
    page.get_by_role("checkbox", name=re.compile(r"^Rançongiciel")).check()
    page.get_by_role("radio", name="Je ne sais pas").first.check()
    screenshot(page, f"wizard-{tag}-1-declare")
    page.get_by_role("button", name="Déclarer l’attaque").click()

    # The hotline comes first, as the biggest action, with the warning that it is no claim.
    hotline = page.get_by_role("link", name=re.compile("Appeler l’assistance"))
    expect(hotline).to_be_visible()
    assert hotline.get_attribute("href") == "tel:+33180401234"
    assert "01 80 40 12 34" in hotline.inner_text()
    expect(page.get_by_text("n’est pas encore déclarer le sinistre")).to_be_visible()
    screenshot(page, f"wizard-{tag}-2-hotline")

    panel = page.locator("#step-panel")
    expect(panel.get_by_role("heading", level=2)).to_have_text(
        "Appeler l'assistance de votre assurance cyber"
    )
    main = page.locator("main")
    complete(page, "Numéro de dossier d'assistance", "ASS-2026-0417")
    expect(main).to_contain_text(
        "Étape « Appeler l'assistance de votre assurance cyber » enregistrée."
    )
    expect(hotline).to_have_count(0)

    expect(panel.get_by_role("heading", level=2)).to_have_text(
        "Isoler les appareils touchés, sans les éteindre"
    )
    complete(page, details="Serveur de fichiers et deux postes débranchés, laissés allumés")
    expect(main).to_contain_text(
        "Étape « Isoler les appareils touchés, sans les éteindre » enregistrée."
    )

    # Preserving evidence: the ransom note goes in with the step, its SHA-256 shows at once.
    expect(panel.get_by_role("heading", level=2)).to_have_text("Conserver les preuves")
    complete(page, files=str(ransom_note))
    expect(main).to_contain_text("Étape « Conserver les preuves » enregistrée. 1 preuve ajoutée.")
    evidence = page.locator("#evidence")
    expect(evidence).to_contain_text("note-de-rancon.txt")
    expect(evidence).to_contain_text(hashlib.sha256(RANSOM_NOTE).hexdigest())
    screenshot(page, f"wizard-{tag}-3-evidence")

    steps = page.locator("#steps")
    expect(steps.locator(".state-done")).to_have_count(3)

    # The complaint, with its 72-hour countdown.
    steps.get_by_role("link", name="Porter plainte").click()
    expect(panel.get_by_role("heading", level=2)).to_have_text("Porter plainte")
    countdown = panel.locator("time[data-countdown]")
    expect(countdown).to_contain_text("Il reste")
    expect(countdown).to_have_class(re.compile(r"\bok\b"))
    expect(panel).to_contain_text("Condition de l’indemnisation")
    first = countdown.inner_text()
    if javascript:
        # It ticks every second; a busy machine may take a little longer to show it.
        expect(countdown).not_to_have_text(first, timeout=10_000)
        assert re.search(r"\d+ s$", countdown.inner_text())
    else:
        page.wait_for_timeout(1500)
        assert countdown.inner_text() == first
    screenshot(page, f"wizard-{tag}-4-complaint")
