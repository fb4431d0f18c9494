"""The parts of an incident the API gives: steps, journal, claim states, evidence, coverage,
dossiers; each a 404 for an organisation that does not see the incident."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import ClaimDossier
from incident_app.models import JournalEntry
from incident_app.services.evidence import add_evidence
from incident_app.services.incidents import close_incident

PARTS = ["steps", "journal", "claim-states", "evidence", "coverage", "dossiers"]


def _url(incident, part):
    return f"/api/v1/incidents/{incident.reference}/{part}"


@pytest.mark.parametrize("part", PARTS)
def test_it_is_a_404_for_another_insurers_token(
    client, token_for, bearer, other_insurer, incident, part
):
    assert client.get(_url(incident, part), **bearer(token_for(other_insurer))).status_code == 404


@pytest.mark.parametrize("part", PARTS)
def test_it_is_a_404_for_an_outsider_signed_in(client_for, outsider, incident, part):
    assert client_for(outsider).get(_url(incident, part)).status_code == 404


@pytest.mark.parametrize("organisation", ["insurer", "broker_org", "company"])
@pytest.mark.parametrize("part", PARTS)
def test_it_answers_the_organisations_that_see_the_incident(
    client, token_for, bearer, incident, organisation, part, request
):
    raw = token_for(request.getfixturevalue(organisation))
    assert client.get(_url(incident, part), **bearer(raw)).status_code == 200


def test_it_gives_the_journal_so_that_the_chain_can_be_checked_outside(
    client, token_for, bearer, insurer, incident, manager
):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Première note", actor=manager)
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Deuxième note", actor=manager)
    auth = bearer(token_for(insurer))
    first = client.get(_url(incident, "journal"), {"limit": 2}, **auth).json()
    rest = client.get(_url(incident, "journal"), {"cursor": first["next_cursor"]}, **auth).json()
    entries = first["items"] + rest["items"]
    assert rest["next_cursor"] is None
    previous = "0" * 64
    for entry in entries:
        assert entry["prev_hash"] == previous
        assert hashlib.sha256((previous + entry["canonical"]).encode()).hexdigest() == entry["hash"]
        previous = entry["hash"]
    incident.refresh_from_db()
    assert previous == incident.journal_head_hash


def test_it_gives_the_claim_states_over_time(client, token_for, bearer, insurer, incident, manager):
    close_incident(incident, user=manager, reason="Traité")
    states = client.get(_url(incident, "claim-states"), **bearer(token_for(insurer))).json()
    assert [(s["previous"], s["state"], s["reason"]) for s in states] == [
        ("declared", "closed", "Traité")
    ]


def test_it_gives_evidence_metadata_and_hashes_not_files(
    client, token_for, bearer, insurer, incident, manager
):
    content = b"Recepisse de plainte PV-42"
    add_evidence(incident, SimpleUploadedFile("recu.txt", content), user=manager)
    items = client.get(_url(incident, "evidence"), **bearer(token_for(insurer))).json()
    assert items[0]["sha256"] == hashlib.sha256(content).hexdigest()
    assert items[0]["name"] == "recu.txt"
    assert items[0]["size"] == len(content)
    assert "file" not in items[0] and "Recepisse" not in str(items)


def test_it_gives_the_coverage_summary(client, token_for, bearer, insurer, incident):
    data = client.get(_url(incident, "coverage"), **bearer(token_for(insurer))).json()
    assert (data["incident"], data["policy"]) == (incident.reference, "HZ-1")
    assert "guarantees" in data


def test_it_refuses_an_unknown_language_for_the_coverage(
    client, token_for, bearer, insurer, incident
):
    response = client.get(_url(incident, "coverage"), {"lang": "de"}, **bearer(token_for(insurer)))
    assert response.status_code == 422


def test_it_gives_the_dossier_versions_with_their_hash(
    client, token_for, bearer, insurer, incident, manager
):
    ClaimDossier.objects.create(
        incident=incident, version=1, status="ready", sha256="a" * 64, requested_by=manager
    )
    items = client.get(_url(incident, "dossiers"), **bearer(token_for(insurer))).json()
    assert [(d["version"], d["status"], d["sha256"]) for d in items] == [(1, "ready", "a" * 64)]


def test_it_refuses_a_forged_journal_cursor(client, token_for, bearer, insurer, incident):
    response = client.get(
        _url(incident, "journal"), {"cursor": "WzBd"}, **bearer(token_for(insurer))
    )
    assert response.status_code == 400
