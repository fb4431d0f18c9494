import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage.triggers import (
    GUARANTEE_KINDS,
    INCIDENT_KINDS,
    PERSONAL_DATA_ANSWERS,
    guarantee_label,
    guarantee_pays,
    triggered_kinds,
)

PERSONAL_DATA_GUARANTEES = ["notification", "monitoring", "regulatory", "liability"]


def test_it_lists_the_guarantee_kinds_in_order():
    assert list(GUARANTEE_KINDS) == [
        "assistance",
        "forensic",
        "restoration",
        "notification",
        "monitoring",
        "regulatory",
        "business_interruption",
        "ransom_negotiation",
        "cyber_fraud",
        "telephone_overbilling",
        "liability",
    ]


@pytest.mark.parametrize("kind", list(GUARANTEE_KINDS))
def test_it_says_in_french_and_english_what_each_guarantee_pays(kind):
    guarantee = GUARANTEE_KINDS[kind]

    assert guarantee.code == kind
    assert guarantee.label["fr"] and guarantee.label["en"]
    assert guarantee.pays["fr"].startswith("Paie ")
    assert guarantee.pays["en"].startswith("Pays for ")
    assert guarantee.pays["fr"].endswith(".") and guarantee.pays["en"].endswith(".")


def test_it_gives_labels_and_sentences_by_language():
    assert guarantee_label("forensic", "fr") == "Expertise informatique (forensic)"
    assert guarantee_label("forensic", "en-gb") == "IT experts (forensics)"
    assert guarantee_pays("cyber_fraud", "en").startswith("Pays for funds diverted by fraud")
    assert guarantee_label("not_a_kind", "en") == "not_a_kind"
    with pytest.raises(ValueError, match="language"):
        guarantee_pays("assistance", "de")


def test_it_triggers_cyber_fraud_for_a_transfer_fraud():
    assert triggered_kinds(["transfer_fraud"], "no") == ["assistance", "forensic", "cyber_fraud"]


def test_it_triggers_restoration_interruption_and_negotiation_for_a_ransomware():
    assert triggered_kinds(["ransomware"], "no") == [
        "assistance",
        "forensic",
        "restoration",
        "business_interruption",
        "ransom_negotiation",
    ]


def test_it_triggers_the_personal_data_guarantees_for_a_leak_of_personal_data():
    assert triggered_kinds(["data_leak"], "yes") == [
        "assistance",
        "forensic",
        *PERSONAL_DATA_GUARANTEES,
    ]


def test_it_triggers_only_liability_for_a_leak_without_personal_data():
    assert triggered_kinds(["data_leak"], "no") == ["assistance", "forensic", "liability"]


def test_it_treats_unknown_personal_data_as_at_risk():
    assert triggered_kinds(["other"], "unknown") == triggered_kinds(["other"], "yes")
    assert triggered_kinds(["other"], "unknown") == [
        "assistance",
        "forensic",
        *PERSONAL_DATA_GUARANTEES,
    ]


def test_it_triggers_the_clinic_guarantees_for_a_phishing():
    # The clinic example: assistance, IT experts and the rebuilding of the system.
    assert triggered_kinds(["phishing"], "no") == ["assistance", "forensic", "restoration"]


@pytest.mark.parametrize(
    ("incident_kind", "expected"),
    [
        ("account_takeover", ["restoration", "liability"]),
        ("ddos", ["business_interruption"]),
        ("telephone_fraud", ["telephone_overbilling"]),
        ("other", []),
    ],
)
def test_it_triggers_the_guarantees_of_each_incident_kind(incident_kind, expected):
    assert triggered_kinds([incident_kind], "no") == ["assistance", "forensic", *expected]


def test_it_triggers_assistance_and_forensic_before_the_kind_is_known():
    assert triggered_kinds([], "no") == ["assistance", "forensic"]


def test_it_orders_the_union_of_several_kinds_as_the_guarantee_kinds():
    assert triggered_kinds(["transfer_fraud", "ddos", "ransomware", "ddos"], "no") == [
        "assistance",
        "forensic",
        "restoration",
        "business_interruption",
        "ransom_negotiation",
        "cyber_fraud",
    ]


def test_it_refuses_an_unknown_incident_kind_or_personal_data_answer():
    with pytest.raises(ValueError, match="Unknown incident kind 'malware'"):
        triggered_kinds(["malware"], "no")
    with pytest.raises(ValueError, match="personal_data"):
        triggered_kinds(["ransomware"], "maybe")


incident_kinds = st.lists(st.sampled_from(INCIDENT_KINDS), max_size=5)
answers = st.sampled_from(PERSONAL_DATA_ANSWERS)


@given(incident_kinds, answers)
def test_it_always_triggers_assistance_and_forensic_in_order_without_duplicates(kinds, answer):
    triggered = triggered_kinds(kinds, answer)

    assert triggered[:2] == ["assistance", "forensic"]
    assert triggered == [kind for kind in GUARANTEE_KINDS if kind in triggered]


@given(incident_kinds, incident_kinds, answers)
def test_it_never_triggers_fewer_guarantees_for_more_incident_kinds(kinds, more, answer):
    assert set(triggered_kinds(kinds, answer)) <= set(triggered_kinds(kinds + more, answer))
