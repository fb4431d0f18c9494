"""The engine: an incident's facts in, ordered steps with exact deadlines out."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbooks.engine import (
    COUNTRIES,
    KINDS,
    IncidentFacts,
    PlannedStep,
    Playbook,
    load_playbook,
    plan,
    replan,
)

PARIS = ZoneInfo("Europe/Paris")
LUXEMBOURG = ZoneInfo("Europe/Luxembourg")
FRIDAY_NIGHT = datetime(2026, 10, 23, 22, 15, tzinfo=PARIS)


def facts(**overrides) -> IncidentFacts:
    values = {
        "country": "FR",
        "kinds": frozenset({"ransomware"}),
        "discovered_at": FRIDAY_NIGHT,
        "personal_data": "no",
    }
    return IncidentFacts(**{**values, **overrides})


def steps_by_key(incident: IncidentFacts) -> dict[str, PlannedStep]:
    return {step.key: step for step in plan(incident)}


def paris(step: PlannedStep) -> str:
    return step.due_at.astimezone(PARIS).isoformat()


def test_it_gives_the_domain_example_complaint_deadline_across_the_clock_change():
    complaint = steps_by_key(facts())["complaint"]

    assert paris(complaint) == "2026-10-26T21:15:00+01:00"
    assert complaint.due_at.tzinfo is UTC
    assert complaint.indemnity_condition
    assert "L12-10-1" in complaint.source
    assert complaint.text("rule", "fr").startswith("72 heures après la découverte")


def test_it_orders_reflexes_first_and_numbers_the_steps():
    steps = plan(facts(personal_data="yes"))

    keys = [step.key for step in steps]
    assert keys == [
        "hotline",
        "isolate",
        "preserve_evidence",
        "crisis_cell",
        "complaint",
        "dpa_notification",
        "internal_register",
        "claim_declaration",
        "communication",
    ]
    assert [step.order for step in steps] == list(range(1, len(steps) + 1))


def test_it_leaves_steps_without_a_rule_without_deadline_or_source():
    hotline = steps_by_key(facts())["hotline"]

    assert hotline.due_at is None and hotline.rule is None and hotline.source == ""
    assert hotline.at_once
    assert hotline.proof == "reference"
    assert hotline.text("proof_label", "fr") == "Numéro de dossier d'assistance"


def test_it_counts_the_night_in_a_nis2_early_warning():
    night = datetime(2026, 3, 10, 2, 0, tzinfo=PARIS)

    warning = steps_by_key(facts(discovered_at=night, nis2=True))["nis2_early_warning"]

    assert paris(warning) == "2026-03-11T02:00:00+01:00"


def test_it_does_not_push_hour_deadlines_past_a_weekend_but_does_for_working_days():
    friday = datetime(2026, 3, 13, 18, 0, tzinfo=PARIS)

    steps = steps_by_key(facts(discovered_at=friday))

    assert paris(steps["complaint"]) == "2026-03-16T18:00:00+01:00"
    assert paris(steps["claim_declaration"]) == "2026-03-20T23:59:59+01:00"


def test_it_moves_the_local_hour_across_the_spring_clock_change():
    thursday = datetime(2026, 3, 26, 9, 30, tzinfo=PARIS)

    assert paris(steps_by_key(facts(discovered_at=thursday))["complaint"]) == (
        "2026-03-29T10:30:00+02:00"
    )


def test_it_skips_french_holidays_for_a_french_company_and_luxembourgish_ones_in_luxembourg():
    monday = datetime(2026, 11, 9, 10, 0, tzinfo=PARIS)  # 11 November: FR holiday only
    in_france = steps_by_key(facts(discovered_at=monday))["claim_declaration"]
    in_luxembourg = steps_by_key(facts(country="LU", discovered_at=monday, declaration_days=5))[
        "claim_declaration"
    ]

    assert paris(in_france) == "2026-11-17T23:59:59+01:00"
    assert in_luxembourg.due_at.astimezone(LUXEMBOURG).date().isoformat() == "2026-11-16"


def test_it_skips_the_luxembourg_national_day():
    monday = datetime(2026, 6, 22, 10, 0, tzinfo=LUXEMBOURG)

    declaration = steps_by_key(facts(country="LU", discovered_at=monday))["claim_declaration"]

    assert declaration.due_at.astimezone(LUXEMBOURG).isoformat() == "2026-06-30T23:59:59+02:00"


def test_it_counts_the_leap_day():
    feb_28 = datetime(2028, 2, 28, 8, 0, tzinfo=PARIS)

    steps = steps_by_key(facts(discovered_at=feb_28, nis2=True))

    assert paris(steps["nis2_early_warning"]) == "2028-02-29T08:00:00+01:00"
    assert paris(steps["complaint"]) == "2028-03-02T08:00:00+01:00"
    # Tue 29 Feb, Wed 1, Thu 2, Fri 3, Mon 6 March
    assert paris(steps["claim_declaration"]) == "2028-03-06T23:59:59+01:00"


def test_it_takes_the_declaration_delay_from_the_policy_but_never_below_five_working_days():
    assert paris(steps_by_key(facts(declaration_days=10))["claim_declaration"]) == (
        "2026-11-06T23:59:59+01:00"  # 10 working days, Toussaint (1 Nov) is a Sunday
    )
    assert paris(steps_by_key(facts(declaration_days=2))["claim_declaration"]) == (
        "2026-10-30T23:59:59+01:00"
    )
    declaration = steps_by_key(facts(declaration_days=2))["claim_declaration"]
    assert declaration.rule.amount == 5


def test_it_uses_a_shorter_luxembourg_policy_delay_as_it_is():
    declaration = steps_by_key(facts(country="LU", declaration_days=3))["claim_declaration"]

    assert declaration.due_at.astimezone(LUXEMBOURG).date().isoformat() == "2026-10-28"
    assert not declaration.indemnity_condition


def test_it_asks_for_the_dpa_when_personal_data_is_at_risk_or_unknown_only():
    assert "dpa_notification" not in steps_by_key(facts(personal_data="no"))
    assert "dpa_notification" in steps_by_key(facts(personal_data="unknown"))
    assert "dpa_notification" in steps_by_key(facts(personal_data="yes"))
    assert "data_subjects" not in steps_by_key(facts(personal_data="yes"))
    assert "data_subjects" in steps_by_key(facts(personal_data="yes", high_risk=True))


def test_it_refuses_high_risk_without_personal_data():
    with pytest.raises(ValueError, match="high_risk"):
        facts(personal_data="no", high_risk=True)


def test_it_adds_nis2_steps_only_for_nis2_entities():
    assert not {k for k in steps_by_key(facts()) if k.startswith("nis2")}
    steps = steps_by_key(facts(nis2=True))

    assert paris(steps["nis2_early_warning"]) == "2026-10-24T22:15:00+02:00"
    assert paris(steps["nis2_notification"]) == "2026-10-26T21:15:00+01:00"


def test_it_estimates_the_nis2_final_report_from_the_notification_deadline_until_it_is_sent():
    final = steps_by_key(facts(nis2=True))["nis2_final_report"]

    assert final.provisional
    assert paris(final) == "2026-11-26T23:59:59+01:00"


def test_it_counts_the_nis2_final_report_from_the_notification_once_sent():
    sent = datetime(2026, 10, 25, 15, 0, tzinfo=PARIS)

    final = steps_by_key(facts(nis2=True, completed={"nis2_notification": sent}))[
        "nis2_final_report"
    ]

    assert not final.provisional
    assert paris(final) == "2026-11-25T23:59:59+01:00"


@pytest.mark.parametrize(
    ("kind", "step"),
    [
        ("transfer_fraud", "bank_recall"),
        ("telephone_fraud", "operator_block"),
        ("account_takeover", "reset_credentials"),
        ("ddos", "contact_host"),
    ],
)
def test_it_adds_kind_specific_first_reflexes(kind, step):
    assert step in steps_by_key(facts(kinds=frozenset({kind})))
    assert step not in steps_by_key(facts(kinds=frozenset({"ransomware"})))


def test_it_puts_the_bank_recall_first_for_a_transfer_fraud():
    assert plan(facts(kinds=frozenset({"transfer_fraud"})))[0].key == "bank_recall"


def test_it_combines_several_kinds():
    keys = steps_by_key(facts(kinds=frozenset({"ddos", "telephone_fraud"})))

    assert {"contact_host", "operator_block"} <= set(keys)
    assert "isolate" not in keys


def test_it_moves_deadlines_when_discovered_at_is_corrected_and_explains_why():
    before = plan(facts())
    earlier = datetime(2026, 10, 23, 8, 0, tzinfo=PARIS)

    change = replan([step.as_dict() for step in before], facts(discovered_at=earlier))

    # same day: the working-day declaration deadline does not move, the 72 h one does
    assert change.moved == ["complaint"]
    assert not change.added and not change.removed
    complaint = {step.key: step for step in change.steps}["complaint"]
    assert paris(complaint) == "2026-10-26T07:00:00+01:00"
    explanation = change.explain("en")[0]
    assert "'File a police complaint' moved from 2026-10-26 21:15" in explanation
    assert "to 2026-10-26 07:00" in explanation
    assert "discovery of the attack changed from 2026-10-23 22:15" in explanation
    assert "découverte" in change.explain("fr")[0]


def test_it_adds_the_dpa_notification_when_personal_data_turns_out_to_be_at_risk_late():
    before = plan(facts(personal_data="no"))
    learned = datetime(2026, 10, 27, 16, 0, tzinfo=PARIS)

    change = replan(
        [step.as_dict() for step in before],
        facts(personal_data="yes", personal_data_aware_at=learned),
    )

    assert change.added == ["dpa_notification", "internal_register"]
    dpa = {step.key: step for step in change.steps}["dpa_notification"]
    assert paris(dpa) == "2026-10-30T16:00:00+01:00"
    assert "personal data is or may be affected" in change.explain("en")[0]
    assert "CNIL" in change.explain("fr")[0]


def test_it_counts_the_dpa_deadline_from_discovery_when_awareness_is_not_stated():
    dpa = steps_by_key(facts(personal_data="unknown"))["dpa_notification"]

    assert paris(dpa) == "2026-10-26T21:15:00+01:00"


def test_it_never_drops_a_step_already_done():
    done_at = datetime(2026, 10, 24, 9, 0, tzinfo=PARIS)
    before = plan(facts(personal_data="unknown", completed={"dpa_notification": done_at}))

    change = replan([step.as_dict() for step in before], facts(personal_data="no"))

    kept = {step.key: step for step in change.steps}["dpa_notification"]
    assert kept.done_at == done_at and not kept.applicable
    assert change.kept == ["dpa_notification"]
    assert change.removed == ["internal_register"]
    assert "kept because it is done" in " ".join(change.explain("en"))


def test_it_keeps_a_done_step_that_a_newer_playbook_no_longer_has():
    old = {
        **plan(facts())[0].as_dict(),
        "key": "legacy_step",
        "done_at": "2026-10-24T08:00:00+00:00",
    }

    change = replan([old], facts())

    assert "legacy_step" in [step.key for step in change.steps]
    assert "legacy_step" not in change.removed


def test_it_replans_from_bare_keys_too():
    change = replan(["hotline", "bank_recall"], facts())

    assert change.removed == ["bank_recall"]
    assert "complaint" in change.added


def test_it_reports_no_change_when_nothing_changed():
    before = plan(facts(nis2=True))

    assert not replan([step.as_dict() for step in before], facts(nis2=True))


def test_it_snapshots_steps_as_json_and_back():
    before = plan(facts(nis2=True, personal_data="yes"))

    restored = [PlannedStep.from_dict(json.loads(json.dumps(s.as_dict()))) for s in before]

    assert restored == before


def test_it_keeps_the_playbook_version_the_incident_was_opened_with():
    opened_with = load_playbook("FR").as_dict()
    opened_with["version"] = "FR-2025.9+common-2025.9"
    complaint = next(s for s in opened_with["steps"] if s["key"] == "complaint")
    complaint["deadline"]["amount"] = 48  # what an older playbook might have said

    steps = {s.key: s for s in plan(facts(), Playbook.from_dict(opened_with))}

    assert steps["complaint"].playbook_version == "FR-2025.9+common-2025.9"
    assert paris(steps["complaint"]) == "2026-10-25T21:15:00+01:00"


def test_it_refuses_a_naive_discovery_time():
    with pytest.raises(ValueError, match="aware"):
        facts(discovered_at=datetime(2026, 10, 23, 22, 15))


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown incident kind 'ransom'"):
        facts(kinds=frozenset({"ransom"}))


def test_it_describes_every_kind_in_both_languages():
    assert [kind.key for kind in KINDS] == [
        "ransomware",
        "phishing",
        "transfer_fraud",
        "data_leak",
        "account_takeover",
        "ddos",
        "telephone_fraud",
        "other",
    ]
    for kind in KINDS:
        assert kind.label["fr"] and kind.label["en"]
        assert kind.description["fr"] and kind.description["en"]


@given(
    discovered_at=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2090, 1, 1),
        timezones=st.timezones(),
        allow_imaginary=False,
    ),
    country=st.sampled_from(COUNTRIES),
    kind=st.sampled_from([kind.key for kind in KINDS]),
)
def test_it_puts_every_hour_deadline_exactly_n_hours_after_its_anchor(discovered_at, country, kind):
    steps = plan(
        facts(country=country, kinds=frozenset({kind}), discovered_at=discovered_at, nis2=True)
    )

    hour_rules = [s for s in steps if s.rule and s.rule.unit == "hours"]
    assert {s.key for s in hour_rules} >= {"complaint", "nis2_early_warning", "nis2_notification"}
    for step in hour_rules:
        assert step.due_at - discovered_at == timedelta(hours=step.rule.amount)
