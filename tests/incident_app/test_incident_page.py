"""The incident page: the current step, its countdown, every step, and who may do what."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coverage.models import Guarantee
from coverage.services.recording import record_cost
from incident_app.models import Incident, JournalEntry
from incident_app.services.evidence import add_evidence
from incident_app.services.incidents import correct_facts, open_incident
from incident_app.services.steps import complete_step

pytestmark = pytest.mark.django_db


def page(client, incident, **params):
    return client.get(reverse("incident_detail", args=[incident.reference]), params)


def test_it_shows_the_first_open_step_with_its_guidance(client_for, manager, incident):
    response = page(client_for(manager), incident)
    assert response.status_code == 200
    assert response.context["current"].key == "hotline"
    assert "Appeler l'assistance de votre assurance cyber" in response.text.replace("&#x27;", "'")
    assert "Numéro de dossier d'assistance" in response.text.replace("&#x27;", "'")


def test_it_moves_to_the_next_open_step_once_one_is_done(client_for, manager, incident):
    complete_step(incident.steps.get(key="hotline"), user=manager)
    response = page(client_for(manager), incident)
    assert response.context["current"].key == "isolate"


def test_it_shows_the_complaint_countdown_and_its_legal_source(client_for, manager, incident):
    response = page(client_for(manager), incident, step="complaint")
    step = incident.steps.get(key="complaint")
    assert response.context["current"] == step
    text = response.text
    assert f'datetime="{timezone.localtime(step.due_at).isoformat()}"' in text
    assert 'class="countdown ok"' in text
    assert "Il reste 2 j 21 h" in text  # discovered 2 h ago: 69 h 59 min left
    assert "L12-10-1" in text
    assert "Condition de l’indemnisation" in text


def test_it_shows_the_due_date_in_the_companys_zone(client_for, manager, incident, company):
    company.timezone = "America/Cayenne"
    company.save()
    step = incident.steps.get(key="complaint")
    response = page(client_for(manager), Incident.objects.get(pk=incident.pk), step="complaint")
    local = step.due_at.astimezone(company.zone)
    assert f"{local:%H:%M}" in response.text
    assert "America/Cayenne" in response.text


def test_it_colours_a_deadline_within_a_day_as_soon(client_for, manager, company, policy):
    incident = open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=timezone.now() - timedelta(hours=60),
        personal_data="no",
        declared_by=manager,
    )
    response = page(client_for(manager), incident, step="complaint")
    assert 'class="countdown soon"' in response.text


def test_it_marks_a_missed_deadline_as_late_and_overdue(client_for, manager, company, policy):
    incident = open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=timezone.now() - timedelta(hours=80),
        personal_data="no",
        declared_by=manager,
    )
    response = page(client_for(manager), incident, step="complaint")
    assert 'class="countdown late"' in response.text
    assert "En retard de 8 h" in response.text
    steps = {s.key: s for s in response.context["steps"]}
    assert steps["complaint"].state == "overdue"


def test_it_lists_every_applicable_step_with_its_status(client_for, manager, incident):
    complete_step(incident.steps.get(key="hotline"), user=manager)
    response = page(client_for(manager), incident)
    listed = [s.key for s in response.context["steps"]]
    assert listed == list(
        incident.steps.filter(applicable=True).order_by("order").values_list("key", flat=True)
    )
    assert "status status-done" in response.text
    for key in listed:
        assert reverse("step_detail", args=[incident.reference, key]) in response.text


def test_it_opens_any_step_by_its_url(client_for, manager, incident):
    url = reverse("step_detail", args=[incident.reference, "claim_declaration"])
    response = client_for(manager).get(url)
    assert response.context["current"].key == "claim_declaration"
    assert 'aria-current="step"' in response.text


def test_it_answers_a_step_fragment_to_htmx(client_for, manager, incident):
    url = reverse("step_detail", args=[incident.reference, "complaint"])
    response = client_for(manager).get(url, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="wizard">')
    assert "<html" not in response.text


def test_it_answers_the_whole_page_when_htmx_restores_history(client_for, manager, incident):
    # Back to a step link htmx pushed, with nothing cached: htmx asks for the address again.
    url = reverse("step_detail", args=[incident.reference, "complaint"])
    response = client_for(manager).get(
        url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.text
    assert 'id="evidence"' in response.text and 'id="journal"' in response.text
    assert response.context["current"].key == "complaint"


def test_it_tells_caches_that_the_page_depends_on_htmx(client_for, manager, incident):
    url = reverse("step_detail", args=[incident.reference, "complaint"])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        assert "HX-Request" in client_for(manager).get(url, **headers)["Vary"]


def test_it_answers_404_for_an_unknown_step(client_for, manager, incident):
    client = client_for(manager)
    assert client.get(reverse("step_detail", args=[incident.reference, "nope"])).status_code == 404
    assert page(client, incident, step="nope").status_code == 404


def test_it_answers_404_for_someone_elses_reference(client_for, manager, other_incident):
    assert page(client_for(manager), other_incident).status_code == 404
    url = reverse("incident_detail", args=["RIP-1999-99999"])
    assert client_for(manager).get(url).status_code == 404


def test_it_lets_the_broker_and_auditor_read_without_forms(client_for, broker, auditor, incident):
    for user in (broker, auditor):
        response = page(client_for(user), incident)
        assert response.status_code == 200
        assert reverse("step_complete", args=[incident.reference, "hotline"]) not in response.text
        assert reverse("evidence_upload", args=[incident.reference]) not in response.text
    assert (
        reverse("journal_note", args=[incident.reference])
        in page(client_for(broker), incident).text
    )


def test_it_hides_the_hotline_banner_once_called_but_keeps_the_number(
    client_for, manager, incident
):
    complete_step(incident.steps.get(key="hotline"), user=manager)
    response = page(client_for(manager), incident)
    assert "button huge primary" not in response.text
    # The assistance may be needed again: its number stays in the page's header.
    header = response.text.split('<nav class="incident-nav')[0]
    assert f'<a href="{incident.policy.hotline_tel_uri}">' in header


def test_it_shows_the_conditions_of_the_cover(client_for, manager, incident):
    response = page(client_for(manager), incident)
    assert 'id="conditions"' in response.text
    assert reverse("coverage_summary", args=[incident.reference]) in response.text


def test_it_shows_the_newest_journal_entries_and_links_to_the_checked_journal(
    client_for, manager, incident
):
    response = page(client_for(manager), incident)
    assert "Incident déclaré" in response.text
    assert reverse("journal_note", args=[incident.reference]) in response.text


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def busy_incident(incident, manager, settings, tmp_path):
    """An incident some hours in: steps done, evidence, costs, notes, a written condition."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    guarantee = incident.policy.guarantees.get(kind=Guarantee.Kind.RESTORATION)
    guarantee.conditions = "Sauvegardes hors ligne au moins hebdomadaires."
    guarantee.save()
    for key in ("hotline", "isolate"):
        complete_step(incident.steps.get(key=key), user=manager, proof_reference=f"{key}-42")
    preserve = incident.steps.get(key="preserve_evidence")
    for index in range(3):
        upload = SimpleUploadedFile(f"capture-{index}.png", PNG + bytes([index]), "image/png")
        add_evidence(incident, upload, user=manager, step=preserve if index else None)
    for supplier in ("Forensique Conseil", "Restauration SA"):
        record_cost(
            incident,
            user=manager,
            guarantee=incident.policy.guarantees.get(kind=Guarantee.Kind.FORENSIC),
            supplier=supplier,
            incurred_on=timezone.localdate(),
            amount_excl_vat=Decimal("1000"),
            amount_incl_vat=Decimal("1200"),
        )
    for index in range(20):
        JournalEntry.append(incident, JournalEntry.Kind.NOTE, f"Point n° {index}", actor=manager)
    return incident


def test_it_reads_a_busy_page_in_eleven_queries(
    client_for, manager, busy_incident, django_assert_num_queries, settings
):
    # Every fragment rendered: the cached page is below.
    settings.RIPOSTE_INCIDENT_FRAGMENT_CACHE = False
    client = client_for(manager)
    page(client, busy_incident)
    # User, memberships, incident, steps, evidence, journal preview, guarantees, and platform
    # staff let in right now (shown to the company), whatever the number of steps, files,
    # costs and entries; the session and the bell's count come from the cache once read.
    # Plus the broker's side: the claim's summary row, its state history, shared notes.
    with django_assert_num_queries(11):
        response = page(client, busy_incident)
    text = response.text
    assert "capture-2.png" in text
    # The five newest journal entries; the journal page has the rest.
    assert "Point n° 15" in text and "Point n° 19" in text
    assert "Point n° 14" not in text
    assert "Sauvegardes hors ligne" in text
    assert response.context["current"].key == "preserve_evidence"


def test_it_reads_a_busy_page_from_its_cached_fragments_in_six_queries(
    client_for, manager, busy_incident, django_assert_num_queries
):
    client = client_for(manager)
    page(client, busy_incident)
    # User, memberships, incident, steps, the claim's summary row (whether the broker asked
    # for something, shown first) and platform staff let in right now: the evidence, the
    # journal and the guarantees are only read to render fragments the cache already holds.
    with django_assert_num_queries(6):
        response = page(client, busy_incident)
    text = response.text
    assert "capture-2.png" in text
    assert "Point n° 19" in text and "Point n° 14" not in text
    assert "Sauvegardes hors ligne" in text


def test_it_shows_who_did_a_done_step_and_its_proof(client_for, manager, member, incident):
    complete_step(incident.steps.get(key="hotline"), user=member, proof_reference="ASS-77")
    response = client_for(manager).get(reverse("step_detail", args=[incident.reference, "hotline"]))
    assert f"par {member.display_name}." in response.text
    assert "ASS-77" in response.text


def test_it_gives_every_element_of_the_page_its_own_id(client_for, manager, incident):
    # Two forms of the page have a files field: each label must lead to its own input.
    html = page(client_for(manager), incident).text
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert 'for="upload_files"' in html and 'id="upload_files"' in html


def test_it_names_the_step_of_each_evidence_by_its_title(client_for, manager, incident):
    complaint = incident.steps.get(key="complaint")
    add_evidence(
        incident, SimpleUploadedFile("pv.png", PNG, "image/png"), user=manager, step=complaint
    )
    dpa = incident.steps.get(key="dpa_notification")
    add_evidence(
        incident, SimpleUploadedFile("cnil.png", PNG + b"1", "image/png"), user=manager, step=dpa
    )
    # A step that no longer applies leaves the list; its evidence stays, under its title.
    correct_facts(incident, actor=manager, personal_data="no")
    assert not incident.steps.get(key="dpa_notification").applicable
    client = client_for(manager)
    evidence = re.search(r'<section id="evidence".*?</section>', page(client, incident).text, re.S)
    assert "· Porter plainte</span>" in evidence.group(0)
    assert "· Notifier la violation de données à la CNIL</span>" in evidence.group(0)
    assert "· complaint</span>" not in evidence.group(0)
    assert "· dpa_notification</span>" not in evidence.group(0)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    evidence = re.search(r'<section id="evidence".*?</section>', page(client, incident).text, re.S)
    assert "· File a police complaint</span>" in evidence.group(0)


def test_it_does_not_call_a_step_late_at_its_exact_due_moment(
    client_for, manager, incident, monkeypatch
):
    client = client_for(manager)
    due = incident.steps.get(key="complaint").due_at
    monkeypatch.setattr(timezone, "now", lambda: due)
    response = page(client, incident, step="complaint")
    assert 'class="countdown soon"' in response.text
    assert "Il reste 0 min" in response.text
    assert ">En retard" not in response.text
    steps = {s.key: s for s in response.context["steps"]}
    assert steps["complaint"].state == "todo"
    monkeypatch.setattr(timezone, "now", lambda: due + timedelta(seconds=1))
    response = page(client, incident, step="complaint")
    assert 'class="countdown late"' in response.text


def test_it_shows_the_hotline_once_while_it_is_to_call(client_for, manager, incident):
    text = page(client_for(manager), incident).text
    # The big button, not also the header's line: the first screen of a phone is short.
    assert text.count(f'href="{incident.policy.hotline_tel_uri}"') == 1
    assert "hotline-call" in text


def test_it_offers_the_broker_no_call_to_the_company_s_assistance(client_for, broker, incident):
    for done in (False, True):
        if done:
            complete_step(incident.steps.get(key="hotline"), user=incident.declared_by)
        text = page(client_for(broker), incident).text
        assert incident.policy.hotline_tel_uri not in text
        assert "Appeler l’assistance" not in text


def test_it_says_at_once_only_of_steps_still_to_do(client_for, manager, incident):
    complete_step(incident.steps.get(key="hotline"), user=manager)
    text = page(client_for(manager), incident).text
    items = re.findall(r'<li class="step-item state-(\w+)[^"]*">(.*?)</li>', text, re.S)
    done = [body for state, body in items if state == "done"]
    todo_at_once = [body for state, body in items if state == "todo" and "isolate" in body]
    assert done and all("tout de suite" not in body for body in done)
    assert todo_at_once and "tout de suite" in todo_at_once[0]
