"""The readiness checklist: each item done or said missing, in plain words."""

from preparedness.services import readiness


def test_it_says_everything_a_new_company_lacks(company, policy):
    state = readiness(company)
    missing = {item.key: item.missing for item in state.missing}
    assert set(missing) == {"profile", "roster", "hotline_callers", "directory", "templates"}
    assert "le numéro SIREN" in missing["profile"]
    assert "Avocat" in missing["directory"]
    assert state.done_count == 2  # the policy's hotline and broker


def test_it_is_complete_for_a_prepared_company(prepared_company):
    state = readiness(prepared_company)
    assert state.missing == []
    assert state.percent == 100


def test_it_misses_the_hotline_without_a_policy_in_force(company):
    keys = {item.key for item in readiness(company).missing}
    assert {"hotline", "broker"} <= keys
