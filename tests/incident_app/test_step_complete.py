"""Recording a step as done: when, by whom, with which proof and files."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from incident_app.models import Evidence, JournalEntry, Step

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def url(incident, key):
    return reverse("step_complete", args=[incident.reference, key])


def test_it_records_the_step_with_its_proof_and_redirects(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident, "hotline"),
        {"proof_reference": "ASS-4521", "proof_details": "Appel à 9 h, Mme Weber"},
    )
    assert response.status_code == 302
    assert response.url == reverse("incident_detail", args=[incident.reference])
    step = incident.steps.get(key="hotline")
    assert step.status == Step.Status.DONE
    assert step.done_by == manager
    assert step.proof_reference == "ASS-4521"
    assert step.proof_details == "Appel à 9 h, Mme Weber"
    assert timezone.now() - step.done_at < timedelta(minutes=1)
    entry = incident.journal.get(kind=JournalEntry.Kind.STEP_DONE)
    assert entry.data["proof_reference"] == "ASS-4521"


def test_it_accepts_a_time_in_the_past_and_keeps_both_times(client_for, manager, incident):
    earlier = timezone.now() - timedelta(hours=1)
    client_for(manager).post(
        url(incident, "isolate"), {"done_at": earlier.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")}
    )
    step = incident.steps.get(key="isolate")
    assert abs(step.done_at - earlier) < timedelta(minutes=1)
    assert step.recorded_at > step.done_at
    entry = incident.journal.get(kind=JournalEntry.Kind.STEP_DONE)
    assert entry.occurred_at == step.done_at
    assert entry.created_at > entry.occurred_at


def test_it_refuses_a_time_before_the_discovery(client_for, manager, incident):
    # A typo in the year would make the complaint look filed in time.
    before = (incident.discovered_at - timedelta(days=365)).astimezone(PARIS)
    response = client_for(manager).post(
        url(incident, "complaint"), {"done_at": before.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 400
    assert "avant la découverte de l'attaque" in response.text.replace("&#x27;", "'")
    assert incident.discovered_at.astimezone(PARIS).strftime("%H:%M") in response.text
    assert incident.steps.get(key="complaint").status == Step.Status.TODO
    assert not incident.journal.filter(kind=JournalEntry.Kind.STEP_DONE).exists()


def test_it_refuses_a_time_in_the_future(client_for, manager, incident):
    later = (timezone.now() + timedelta(hours=2)).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    response = client_for(manager).post(url(incident, "isolate"), {"done_at": later})
    assert response.status_code == 400
    assert "dans le futur" in response.text
    assert incident.steps.get(key="isolate").status == Step.Status.TODO
    assert not incident.journal.filter(kind=JournalEntry.Kind.STEP_DONE).exists()


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_it_refuses_an_implausible_year(client_for, manager, incident, value):
    response = client_for(manager).post(url(incident, "isolate"), {"done_at": value})
    assert response.status_code == 400
    assert "Vérifiez l'année : indiquez une date entre 2000 et 2100." in response.text.replace(
        "&#x27;", "'"
    )
    assert incident.steps.get(key="isolate").status == Step.Status.TODO
    assert not incident.journal.filter(kind=JournalEntry.Kind.STEP_DONE).exists()


def test_it_swaps_the_panel_and_the_list_for_htmx(client_for, manager, incident):
    response = client_for(manager).post(
        url(incident, "hotline"), {"proof_reference": "ASS-1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="wizard">')
    assert "Étape « Appeler l'assistance de votre assurance cyber » enregistrée." in html.replace(
        "&#x27;", "'"
    ).replace("&quot;", '"')
    assert 'id="steps"' in html
    # The journal follows out of band; the evidence, unchanged, is not sent again.
    assert (
        '<section id="journal" class="card" aria-labelledby="journal-title" hx-swap-oob="true">'
        in html
    )
    assert 'id="evidence"' not in html
    # The panel now shows the next step.
    assert "Isoler les appareils touchés" in html


def test_it_says_so_when_the_step_was_already_recorded(client_for, manager, incident):
    client = client_for(manager)
    client.post(url(incident, "hotline"), {"proof_reference": "FIRST"})
    response = client.post(url(incident, "hotline"), {"proof_reference": "SECOND"})
    assert response.status_code == 400
    assert "Cette étape a déjà été enregistrée." in response.text
    step = incident.steps.get(key="hotline")
    assert step.proof_reference == "FIRST"
    assert incident.journal.filter(kind=JournalEntry.Kind.STEP_DONE).count() == 1


def test_it_attaches_evidence_files_to_the_step(client_for, manager, incident):
    note = SimpleUploadedFile("rançon.txt", b"Your files are encrypted. Pay 2 BTC.\n")
    response = client_for(manager).post(url(incident, "preserve_evidence"), {"files": [note]})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.step.key == "preserve_evidence"
    assert evidence.original_name == "rançon.txt"
    assert incident.steps.get(key="preserve_evidence").status == Step.Status.DONE


CONDITIONS_OOB = (
    '<section class="card coverage-conditions" id="conditions" aria-labelledby="conditions-title"'
    ' hx-swap-oob="true">'
)


def test_it_swaps_the_conditions_of_the_cover_when_the_complaint_is_filed(
    client_for, manager, incident
):
    client = client_for(manager)
    response = client.post(
        url(incident, "hotline"), {"proof_reference": "ASS-1"}, HTTP_HX_REQUEST="true"
    )
    # The hotline is no condition of the cover: the conditions are not sent again.
    assert 'id="conditions"' not in response.text
    response = client.post(
        url(incident, "complaint"), {"proof_reference": "PV-2026-118"}, HTTP_HX_REQUEST="true"
    )
    conditions = response.text.split(CONDITIONS_OOB)[1].split("</section>")[0]
    assert "Remplie" in conditions
    assert "PV-2026-118" in conditions


def test_it_swaps_the_evidence_too_when_files_came_with_the_step(client_for, manager, incident):
    note = SimpleUploadedFile("rançon.txt", b"Your files are encrypted. Pay 2 BTC.\n")
    response = client_for(manager).post(
        url(incident, "preserve_evidence"), {"files": [note]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.text
    assert (
        '<section id="evidence" class="card" aria-labelledby="evidence-title" hx-swap-oob="true">'
        in html
    )
    assert Evidence.objects.get().sha256 in html
    # The conditions of the cover list the evidence of their steps: they follow it.
    assert CONDITIONS_OOB in html


def test_it_records_nothing_when_the_last_file_would_pass_the_quota(
    client_for, manager, incident, settings, private_storage
):
    settings.EVIDENCE_QUOTA_BYTES = 60
    first = SimpleUploadedFile("a.txt", b"Your files are encrypted.\n")
    second = SimpleUploadedFile("b.txt", b"Pay 2 BTC to the address below, quickly.\n")
    response = client_for(manager).post(
        url(incident, "preserve_evidence"), {"files": [first, second]}
    )
    assert response.status_code == 400
    assert "dépasserait l'espace" in response.text.replace("&#x27;", "'")
    assert incident.steps.get(key="preserve_evidence").status == Step.Status.TODO
    assert not Evidence.objects.exists()
    assert not incident.journal.filter(kind=JournalEntry.Kind.STEP_DONE).exists()
    # The first file, stored before the second was refused, is not left on disk either.
    assert not [path for path in private_storage.rglob("*") if path.is_file()]


def test_it_changes_nothing_when_a_file_is_refused(client_for, manager, incident):
    bad = SimpleUploadedFile("tool.txt", b"\x00\x01\x02\x03 not text")
    response = client_for(manager).post(url(incident, "preserve_evidence"), {"files": [bad]})
    assert response.status_code == 400
    assert "ne contient pas du texte lisible" in response.text
    assert incident.steps.get(key="preserve_evidence").status == Step.Status.TODO
    assert not Evidence.objects.exists()


def test_it_lets_a_crisis_cell_member_complete_a_step(client_for, member, incident):
    response = client_for(member).post(url(incident, "isolate"), {})
    assert response.status_code == 302
    assert incident.steps.get(key="isolate").done_by == member


@pytest.mark.parametrize("who", ["broker", "auditor"])
def test_it_does_not_let_readers_complete_a_step(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(url(incident, "isolate"), {})
    assert response.status_code == 404
    assert incident.steps.get(key="isolate").status == Step.Status.TODO


def test_it_answers_404_for_an_unknown_step(client_for, manager, incident):
    assert client_for(manager).post(url(incident, "nope"), {}).status_code == 404


def test_it_sends_a_plain_get_back_to_the_step(client_for, manager, incident):
    response = client_for(manager).get(url(incident, "isolate"))
    assert response.status_code == 302
    assert response.url == reverse("step_detail", args=[incident.reference, "isolate"])


def test_it_writes_the_journal_in_the_company_language_whoever_records(
    client_for, manager, incident
):
    """The journal is one record: an English-speaking user still writes it in French here."""
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(url(incident, "complaint"), {"proof_reference": "PV-1"}, follow=True)
    # The page itself answers in the user's language.
    assert "Step “File a police complaint” recorded." in response.text.replace("&quot;", '"')
    entry = incident.journal.get(kind=JournalEntry.Kind.STEP_DONE)
    assert entry.text == "Étape « Porter plainte » faite."


def test_it_writes_the_journal_in_english_for_an_english_speaking_company(
    client_for, company, manager, incident
):
    company.language = "en"
    company.save(update_fields=["language"])
    client_for(manager).post(url(incident, "complaint"), {"proof_reference": "PV-1"})
    entry = incident.journal.get(kind=JournalEntry.Kind.STEP_DONE)
    assert entry.text == "Step “File a police complaint” done."
