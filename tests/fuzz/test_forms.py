"""Every form of the site fed random and hostile data: never a server error, and nothing
written when the input is refused.

Each target names a URL, the object it needs (as in tests/access/world.py), who submits it,
and its fields with the kind of value each expects. Hypothesis draws, for each field, either a
plausible value of that kind or a hostile one (empty, huge, control characters, markup, SQL,
impossible dates and amounts), sometimes leaves fields out, and posts it with and without
HX-Request. Every example runs in a transaction rolled back after it, so each starts from the
same data.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.models import BusinessInterruption, ConditionAttestation, Cost
from incident_app.models import (
    CellInvitation,
    Evidence,
    Incident,
    JournalEntry,
    Membership,
    StaffAccess,
    Step,
    User,
)
from tests.access.world import Objects

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(min_size=400, max_size=2000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "\r\n",
            "0",
            "-1",
            "-0,01",
            "1e309",
            "NaN",
            "Infinity",
            "9" * 40,
            "1 000 000 000 000 000,00 €",
            "0001-01-01T00:00",
            "9999-12-31T23:59",
            "2026-02-30T25:61",
            "31/12/1899 23:59",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "{{ 7*7 }}",
            "%s%s%n",
            "\u202e\u0000\ufeff",
            "１２３",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)

PLAUSIBLE = {
    "text": st.text(min_size=1, max_size=80),
    "datetime": st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    "date": st.dates().map(lambda d: d.isoformat()),
    "amount": st.decimals(min_value=-10, max_value=10**9, places=2, allow_nan=False).map(str),
    "int": st.integers(min_value=-5, max_value=10**6).map(str),
    "email": st.emails().map(str),
    "uuid": st.uuids().map(str),
    "bool": st.sampled_from(["on", "true", "1", ""]),
}


def choice(*values):
    return st.sampled_from(values)


def files():
    return st.builds(
        lambda name, content: SimpleUploadedFile(name, content),
        st.one_of(
            st.sampled_from(["preuve.txt", "a.pdf", "../../x.txt", "x" * 300 + ".txt", ".txt"]),
            st.text(min_size=1, max_size=40).filter(lambda n: "\x00" not in n),
        ),
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from([b"", b"%PDF-1.4\n%%EOF\n", b"MZ\x90\x00", b"\xff\xd8\xff\xe0"]),
        ),
    )


# url name, object kind, who posts, {field: kind or strategy}
TARGETS = [
    (
        "incident_declare",
        "none",
        "manager",
        {
            "token": "uuid",
            "kinds": choice("ransomware", "phishing", "other", "nope"),
            "discovered_at": "datetime",
            "personal_data": choice("yes", "no", "unknown", "maybe"),
            "network_usable": choice("true", "false", "", "x"),
            "policy": "int",
            "confirm_before_policy": "bool",
        },
    ),
    (
        "step_complete",
        "step",
        "manager",
        {
            "done_at": "datetime",
            "proof_reference": "text",
            "proof_details": "text",
            "files": files(),
        },
    ),
    ("step_not_applicable", "step", "manager", {"reason": "text"}),
    ("step_assign", "step", "manager", {"assignee": "int"}),
    (
        "incident_facts",
        "incident",
        "manager",
        {
            "discovered_at": "datetime",
            "personal_data": choice("yes", "no", "unknown"),
            "personal_data_aware_at": "datetime",
            "high_risk": "bool",
        },
    ),
    (
        "incident_status",
        "incident",
        "manager",
        {"action": choice("close", "reopen", "x"), "reason": "text"},
    ),
    ("journal_note", "incident", "broker", {"text": "text"}),
    (
        "evidence_upload",
        "incident",
        "member",
        {"files": files(), "description": "text", "step": choice("complaint", "hotline", "x")},
    ),
    ("evidence_withdraw", "evidence", "manager", {"reason": "text"}),
    ("crisis_cell", "incident", "manager", {"email": "email", "first_name": "text"}),
    (
        "communication",
        "incident",
        "manager",
        {
            "audience": choice("staff", "clients", "x"),
            "lang": choice("fr", "en", "de"),
            "text": "text",
        },
    ),
    (
        "cost_add",
        "incident",
        "broker",
        {
            "guarantee": "int",
            "supplier": "text",
            "incurred_on": "date",
            "description": "text",
            "amount_excl_vat": "amount",
            "amount_incl_vat": "amount",
            "counted": choice("excl_vat", "incl_vat", "x"),
            "invoice": files(),
        },
    ),
    ("cost_withdraw", "cost", "manager", {"reason": "text"}),
    (
        "interruption_edit",
        "incident",
        "manager",
        {
            "started_at": "datetime",
            "ended_at": "datetime",
            "hourly_margin": "amount",
            "annual_margin": "amount",
            "operating_hours_per_year": "int",
            "extra_costs": "amount",
        },
    ),
    ("condition_attest", "guarantee", "manager", {"statement": "text"}),
    ("notification_preferences", "none", "manager", {"email": "int"}),
    ("calendar", "none", "manager", {"action": choice("regenerate", "revoke", "x")}),
    ("staff_access", "incident", "staff", {"reason": "text"}),
    (
        "cell_invitation",
        "invitation",
        "anonymous",
        {"action": choice("accept", "decline", "x"), "first_name": "text", "password": "text"},
    ),
    ("password_reset", "none", "anonymous", {"email": "email"}),
    ("login", "none", "anonymous", {"username": "email", "password": "text"}),
]

# What a refused form must leave as it was.
WATCHED = [
    Incident,
    Step.objects.exclude(status="todo"),
    JournalEntry,
    Evidence,
    Cost,
    BusinessInterruption,
    ConditionAttestation,
    Membership,
    CellInvitation,
    StaffAccess,
    User,
]


def snapshot():
    counts = [(model if hasattr(model, "count") else model.objects).count() for model in WATCHED]
    return counts + [list(Incident.objects.values_list("status", "journal_head_seq"))]


def field_values(fields):
    entries = {}
    for name, kind in fields.items():
        strategy = kind if not isinstance(kind, str) else PLAUSIBLE[kind]
        entries[name] = st.one_of(strategy, HOSTILE, st.none())
    return st.fixed_dictionaries(entries)


@pytest.mark.parametrize(("name", "kind", "who", "fields"), TARGETS, ids=[t[0] for t in TARGETS])
def test_it_never_fails_and_keeps_refused_input_out(
    request, name, kind, who, fields, client, client_for, incident, other_incident, manager,
    outsider, member, broker, staff, other_broker, auditor, other_auditor,
):  # fmt: skip
    users = {
        "manager": manager,
        "outsider": outsider,
        "broker": broker,
        "other_broker": other_broker,
        "auditor": auditor,
        "other_auditor": other_auditor,
    }
    objects = Objects(incident=incident, other_incident=other_incident, users=users)
    if who == "anonymous":
        http = client
    else:
        http = client_for(
            {"manager": manager, "member": member, "broker": broker, "staff": staff}[who]
        )
    url = reverse(name, kwargs=objects.kwargs(kind, "own") if kind != "none" else {})

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=field_values(fields), htmx=st.booleans(), junk=st.text(max_size=20))
    def post(data, htmx, junk):
        payload = {key: value for key, value in data.items() if value is not None}
        if junk:
            payload["x" + junk] = junk
        for value in payload.values():
            if hasattr(value, "seek"):
                value.seek(0)
        before = snapshot()
        with transaction.atomic():
            headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = http.post(url, payload, **headers)
            assert response.status_code < 500
            if response.status_code >= 400:
                assert snapshot() == before, f"{name} refused ({response.status_code}) but wrote"
            transaction.set_rollback(True)

    post()
