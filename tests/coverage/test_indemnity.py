from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage.indemnity import (
    GuaranteeTerms,
    business_interruption_loss,
    estimate_guarantee,
    estimate_policy,
    format_eur,
)

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
NNBSP = "\u202f"
NBSP = "\u00a0"


def codes(estimate):
    return [line.code for line in estimate.lines]


def interruption(hours, **kwargs):
    """A closed interruption of ``hours`` hours at 300 € of gross margin an hour."""
    arguments = {
        "hourly_margin": D(300),
        "waiting_period_hours": 8,
        "waiting_mode": "beyond",
        "indemnity_period_days": None,
    } | kwargs
    end = START + timedelta(hours=hours)
    return business_interruption_loss(START, end, end, **arguments)


# --- the clinic example (easyPRO Cyber, Luxembourg) ---------------------------------------------

ASSISTANCE = GuaranteeTerms("assistance", limit=D(5_000))
FORENSIC = GuaranteeTerms("forensic", limit=D(20_000), deductible_amount=D(500))
RESTORATION = GuaranteeTerms(
    "restoration", limit=D(50_000), deductible_percent=D(5), deductible_floor=D(800)
)


def clinic_policy():
    return estimate_policy(
        [
            estimate_guarantee(ASSISTANCE, [D(720)]),
            # 1 500 + 800 = 2 300 of invoices, less the 500 fixed deductible.
            estimate_guarantee(FORENSIC, [D(1_500), D(800)]),
            # 7 000 + 3 800 = 10 800; 5 % is 540, below the 800 minimum, so 800 is taken off.
            estimate_guarantee(RESTORATION, [D(7_000), D(3_800)]),
        ],
        overall_limit=D(100_000),
    )


def test_it_pays_the_clinic_example():
    policy = clinic_policy()

    assert [(g.kind, g.payable) for g in policy.guarantees] == [
        ("assistance", D(720)),
        ("forensic", D(1_800)),
        ("restoration", D(10_000)),
    ]
    assert policy.total_claimed == D(13_820)
    assert policy.total_payable == D(12_520)
    assert policy.cut == []


def test_it_explains_the_clinic_example_in_french_and_english():
    policy = clinic_policy()
    assistance, forensic, restoration = policy.guarantees

    assert assistance.explain("fr") == [
        f"Frais retenus pour cette garantie{NBSP}: 720,00{NBSP}€",
        "Sans franchise",
        f"Dans le plafond de 5{NNBSP}000,00{NBSP}€",
        f"Indemnité estimée{NBSP}: 720,00{NBSP}€",
    ]
    assert forensic.explain("en")[1:3] == [
        "Fixed deductible: €500.00",
        "After the deductible: €1,800.00",
    ]
    assert restoration.explain("en")[1] == (
        "Deductible of 5% of the costs (€540.00), raised to the minimum of €800.00"
    )
    assert policy.explain("fr") == [
        f"Dans le plafond global de 100{NNBSP}000,00{NBSP}€ (reste 87{NNBSP}480,00{NBSP}€)",
        f"Total{NBSP}: 12{NNBSP}520,00{NBSP}€ d'indemnité estimée pour "
        f"13{NNBSP}820,00{NBSP}€ de frais",
    ]


# --- deductibles --------------------------------------------------------------------------------


def test_it_takes_a_fixed_deductible_off_the_costs():
    estimate = estimate_guarantee(FORENSIC, [D(1_500), D(800)])

    assert estimate.claimed == D(2_300)
    assert estimate.deductible == D(500)
    assert estimate.after_deductible == D(1_800)
    assert codes(estimate) == [
        "claimed",
        "deductible",
        "after_deductible",
        "within_limit",
        "payable",
    ]


def test_it_pays_nothing_when_the_deductible_exceeds_the_costs():
    estimate = estimate_guarantee(FORENSIC, [D(300)])

    assert estimate.deductible == D(500)
    assert estimate.after_deductible == D(0)
    assert estimate.payable == D(0)


def test_it_takes_a_percentage_of_the_costs():
    terms = GuaranteeTerms("cyber_fraud", deductible_percent=D(10), deductible_floor=D(1_000))

    estimate = estimate_guarantee(terms, [D(20_000)])

    assert estimate.deductible == D(2_000)
    assert estimate.payable == D(18_000)
    assert "deductible_percent" in codes(estimate)


def test_it_raises_a_percentage_deductible_to_its_floor():
    terms = GuaranteeTerms("cyber_fraud", deductible_percent=D(10), deductible_floor=D(1_000))

    estimate = estimate_guarantee(terms, [D(5_000)])

    assert estimate.deductible == D(1_000)
    assert estimate.payable == D(4_000)
    assert "deductible_floor" in codes(estimate)


def test_it_takes_the_greater_of_a_fixed_amount_and_a_percentage():
    terms = GuaranteeTerms("cyber_fraud", deductible_amount=D(1_500), deductible_percent=D(10))

    assert estimate_guarantee(terms, [D(20_000)]).deductible == D(2_000)
    assert estimate_guarantee(terms, [D(12_000)]).deductible == D(1_500)
    assert estimate_guarantee(terms, [D(12_000)]).payable == D(10_500)


def test_it_keeps_the_floor_when_a_fixed_amount_and_a_percentage_are_both_given():
    terms = GuaranteeTerms(
        "cyber_fraud",
        deductible_amount=D(500),
        deductible_percent=D(10),
        deductible_floor=D(2_500),
    )

    estimate = estimate_guarantee(terms, [D(20_000)])

    assert estimate.deductible == D(2_500)
    assert estimate.explain("en")[1] == (
        "Deductible: the greater of the fixed amount (€500.00) and 10% of the costs with a "
        "minimum of €2,500.00 (€2,500.00), that is €2,500.00"
    )


def test_it_refuses_a_floor_without_a_percentage():
    with pytest.raises(ValueError, match="percentage"):
        GuaranteeTerms("forensic", deductible_floor=D(500))


def test_it_refuses_a_percentage_above_100():
    with pytest.raises(ValueError, match="between 0 and 100"):
        GuaranteeTerms("forensic", deductible_percent=D("100.01"))


def test_it_refuses_negative_costs_and_float_money():
    with pytest.raises(ValueError, match="negative"):
        estimate_guarantee(ASSISTANCE, [D(100), D(-1)])
    with pytest.raises(TypeError, match="Decimal"):
        estimate_guarantee(ASSISTANCE, [720.0])
    with pytest.raises(TypeError, match="Decimal"):
        GuaranteeTerms("assistance", limit=5_000.0)


# --- limits and sublimits -----------------------------------------------------------------------


def test_it_caps_at_the_sublimit_below_the_limit():
    terms = GuaranteeTerms(
        "cyber_fraud", limit=D(100_000), sublimit=D(25_000), deductible_percent=D(10)
    )

    estimate = estimate_guarantee(terms, [D(40_000)])

    assert estimate.after_deductible == D(36_000)
    assert estimate.cap == D(25_000)
    assert estimate.payable == D(25_000)
    assert codes(estimate)[-2] == "sublimit"
    assert estimate.explain("fr")[-2] == f"Ramené au sous-plafond{NBSP}: 25{NNBSP}000,00{NBSP}€"


def test_it_caps_at_the_limit_when_it_is_lower_than_the_sublimit():
    terms = GuaranteeTerms("restoration", limit=D(8_000), sublimit=D(9_000))

    estimate = estimate_guarantee(terms, [D(10_000)])

    assert estimate.payable == D(8_000)
    assert codes(estimate)[-2] == "limit"


def test_it_pays_everything_after_the_deductible_without_a_cap():
    terms = GuaranteeTerms("liability", deductible_amount=D(1_000))

    estimate = estimate_guarantee(terms, [D(250_000)])

    assert estimate.cap is None
    assert estimate.payable == D(249_000)
    assert "no_limit" in codes(estimate)


def test_it_keeps_amounts_unrounded_until_they_are_shown():
    terms = GuaranteeTerms("forensic", deductible_percent=D("7.5"))

    estimate = estimate_guarantee(terms, [D("1234.57")])

    assert estimate.deductible == D("92.592750")
    assert estimate.payable == D("1141.977250")
    assert estimate.explain("en")[-1] == "Estimated indemnity: €1,141.98"


# --- the overall policy limit -------------------------------------------------------------------


def test_it_cuts_the_last_guarantees_once_the_overall_limit_is_exhausted():
    estimates = [
        estimate_guarantee(ASSISTANCE, [D(720)]),
        estimate_guarantee(FORENSIC, [D(2_300)]),
        estimate_guarantee(RESTORATION, [D(10_800)]),
        estimate_guarantee(GuaranteeTerms("notification"), [D(400)]),
    ]

    policy = estimate_policy(estimates, overall_limit=D(5_000))

    assert [g.payable for g in policy.guarantees] == [D(720), D(1_800), D(2_480), D(0)]
    assert [g.cut_by_policy_limit for g in policy.guarantees] == [D(0), D(0), D(7_520), D(400)]
    assert [g.kind for g in policy.cut] == ["restoration", "notification"]
    assert policy.total_payable == D(5_000)
    assert policy.guarantees[2].lines[-1].code == "policy_limit"
    assert policy.explain("en")[0] == (
        "Overall policy limit (€5,000.00) reached: Data and system restoration cut from "
        "€10,000.00 to €2,480.00"
    )
    # The estimates given are left as they were.
    assert estimates[2].payable == D(10_000)


def test_it_serves_the_overall_limit_in_the_order_given():
    assistance = estimate_guarantee(ASSISTANCE, [D(720)])
    restoration = estimate_guarantee(RESTORATION, [D(10_800)])

    first = estimate_policy([assistance, restoration], overall_limit=D(1_000))
    second = estimate_policy([restoration, assistance], overall_limit=D(1_000))

    assert [g.payable for g in first.guarantees] == [D(720), D(280)]
    assert [g.payable for g in second.guarantees] == [D(1_000), D(0)]


def test_it_applies_no_overall_limit_when_the_policy_has_none():
    policy = estimate_policy([estimate_guarantee(RESTORATION, [D(10_800)])], overall_limit=None)

    assert policy.total_payable == D(10_000)
    assert policy.explain("en")[0] == "No overall policy limit"


# --- business interruption ----------------------------------------------------------------------


def test_it_pays_only_the_hours_beyond_the_waiting_period():
    estimate = interruption(20, waiting_period_hours=8, waiting_mode="beyond")

    assert estimate.interruption_hours == D(20)
    assert estimate.waiting_hours == D(8)
    assert estimate.indemnified_hours == D(12)
    assert estimate.loss == D(3_600)
    assert not estimate.ongoing


def test_it_pays_from_the_first_hour_once_the_waiting_period_is_exceeded():
    estimate = interruption(20, waiting_period_hours=8, waiting_mode="first_hour")

    assert estimate.indemnified_hours == D(20)
    assert estimate.loss == D(6_000)
    assert (
        estimate.explain("en")[2]
        == "Waiting period of 8 h exceeded: paid from the first hour, 20 h"
    )


@pytest.mark.parametrize("mode", ["beyond", "first_hour"])
@pytest.mark.parametrize("hours", [0, 7, 8])
def test_it_pays_no_hour_while_the_waiting_period_is_not_exceeded(mode, hours):
    estimate = interruption(hours, waiting_period_hours=8, waiting_mode=mode)

    assert estimate.indemnified_hours == D(0)
    assert estimate.loss == D(0)
    assert "waiting_period_not_exceeded" in codes(estimate)


def test_it_pays_every_hour_without_a_waiting_period():
    estimate = interruption(2.5, waiting_period_hours=0)

    assert estimate.indemnified_hours == D("2.5")
    assert estimate.loss == D(750)


@pytest.mark.parametrize(("mode", "paid"), [("beyond", 64), ("first_hour", 72)])
def test_it_caps_the_paid_hours_at_the_indemnity_period_from_the_start(mode, paid):
    estimate = interruption(100, waiting_mode=mode, indemnity_period_days=3)

    assert estimate.interruption_hours == D(100)
    assert estimate.indemnified_hours == D(paid)
    assert "indemnity_period" in codes(estimate)


def test_it_estimates_an_ongoing_interruption_up_to_now():
    def at(now):
        return business_interruption_loss(
            START,
            None,
            now,
            hourly_margin=D(300),
            waiting_period_hours=8,
            waiting_mode="beyond",
            indemnity_period_days=30,
        )

    after_ten_hours = at(START + timedelta(hours=10))
    after_a_day = at(START + timedelta(hours=24, minutes=30))

    assert after_ten_hours.ongoing
    assert after_ten_hours.loss == D(600)
    assert after_a_day.indemnified_hours == D("16.5")
    assert after_a_day.loss == D(4_950)
    assert after_a_day.explain("en")[0] == (
        "Interruption still ongoing: 24.5 h so far (the estimate keeps updating)"
    )


def test_it_counts_elapsed_clock_time_across_a_change_to_summer_time():
    # 30 March 2025 in Paris: 00:00 in winter time (UTC+1) to 06:00 in summer time (UTC+2).
    start = datetime(2025, 3, 30, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    end = datetime(2025, 3, 30, 6, 0, tzinfo=timezone(timedelta(hours=2)))

    estimate = business_interruption_loss(
        start,
        end,
        end,
        hourly_margin=D(100),
        waiting_period_hours=0,
        waiting_mode="beyond",
        indemnity_period_days=None,
    )

    assert estimate.interruption_hours == D(5)


def test_it_derives_the_hourly_margin_from_the_annual_margin():
    estimate = interruption(
        20, hourly_margin=None, annual_margin=D(600_000), operating_hours_per_year=D(2_000)
    )

    assert estimate.hourly_margin == D(300)
    assert estimate.loss == D(3_600)
    assert estimate.explain("fr")[1] == (
        f"Marge brute horaire{NBSP}: 600{NNBSP}000,00{NBSP}€ ÷ 2{NNBSP}000{NBSP}h "
        f"d'exploitation = 300,00{NBSP}€"
    )


def test_it_adds_extra_costs_whatever_the_waiting_period():
    estimate = interruption(4, waiting_period_hours=8, extra_costs=D(1_250))

    assert estimate.lost_margin == D(0)
    assert estimate.loss == D(1_250)


def test_it_applies_the_guarantee_terms_to_a_business_interruption_loss():
    terms = GuaranteeTerms("business_interruption", limit=D(3_000), deductible_amount=D(100))

    estimate = estimate_guarantee(terms, [D(200)], interruption=interruption(20))

    assert estimate.claimed == D(3_800)
    assert estimate.payable == D(3_000)
    assert codes(estimate)[0] == "interruption"
    assert codes(estimate)[-2] == "limit"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"end": START - timedelta(minutes=1)}, "before its start"),
        ({"end": None, "now": START - timedelta(minutes=1)}, "current time"),
        ({"start": datetime(2025, 3, 3, 8, 0)}, "aware"),
        ({"hourly_margin": D(-1)}, "negative"),
        ({"hourly_margin": None}, "hourly gross margin"),
        ({"annual_margin": D(600_000)}, "not both"),
        ({"hourly_margin": None, "annual_margin": D(600_000)}, "operating hours"),
        ({"waiting_mode": "after"}, "waiting_mode"),
        ({"waiting_period_hours": -1}, "waiting_period_hours"),
        ({"indemnity_period_days": -1}, "indemnity_period_days"),
        ({"extra_costs": D(-5)}, "negative"),
    ],
)
def test_it_refuses_inconsistent_interruptions(arguments, message):
    values = {
        "start": START,
        "end": START + timedelta(hours=10),
        "now": START + timedelta(hours=10),
        "hourly_margin": D(300),
        "waiting_period_hours": 8,
        "waiting_mode": "beyond",
        "indemnity_period_days": None,
    } | arguments

    with pytest.raises(ValueError, match=message):
        business_interruption_loss(**values)


# --- formatting ---------------------------------------------------------------------------------


def test_it_formats_euros_in_french_and_english():
    assert format_eur(D(1_800), "fr") == f"1{NNBSP}800,00{NBSP}€"
    assert format_eur(D(1_800), "en") == "€1,800.00"
    assert format_eur(D("1234567.8"), "fr") == f"1{NNBSP}234{NNBSP}567,80{NBSP}€"
    assert format_eur(D("-42.5"), "en-gb") == "-€42.50"
    assert format_eur(D(0), "fr_LU") == f"0,00{NBSP}€"


def test_it_rounds_half_up_to_the_cent_when_shown():
    assert format_eur(D("0.005"), "en") == "€0.01"
    assert format_eur(D("2.675"), "en") == "€2.68"
    assert format_eur(D("2.665"), "fr") == f"2,67{NBSP}€"
    assert format_eur(D("-0.004"), "en") == "€0.00"


def test_it_refuses_an_unsupported_language():
    with pytest.raises(ValueError, match="language"):
        format_eur(D(1), "de")


# --- properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10_000_000, places=2)
costs = st.lists(money, max_size=8)


@st.composite
def guarantee_terms(draw):
    percent = draw(st.none() | st.decimals(min_value=0, max_value=100, places=2))
    return GuaranteeTerms(
        "restoration",
        limit=draw(st.none() | money),
        sublimit=draw(st.none() | money),
        deductible_amount=draw(st.none() | money),
        deductible_percent=percent,
        deductible_floor=None if percent is None else draw(st.none() | money),
    )


@given(guarantee_terms(), costs)
def test_it_never_pays_more_than_the_cap_or_the_costs_nor_less_than_zero(terms, amounts):
    estimate = estimate_guarantee(terms, amounts)

    assert D(0) <= estimate.payable <= estimate.after_deductible <= estimate.claimed
    for cap in (terms.limit, terms.sublimit):
        if cap is not None:
            assert estimate.payable <= cap


@given(guarantee_terms(), costs, money)
def test_it_never_pays_less_when_a_cost_is_added(terms, amounts, added):
    before = estimate_guarantee(terms, amounts)
    after = estimate_guarantee(terms, [*amounts, added])

    assert after.payable >= before.payable


@given(st.lists(st.tuples(guarantee_terms(), costs), max_size=6), st.none() | money)
def test_it_never_pays_more_than_the_overall_limit(guarantees, overall_limit):
    estimates = [estimate_guarantee(terms, amounts) for terms, amounts in guarantees]

    policy = estimate_policy(estimates, overall_limit)

    owed = sum((e.payable for e in estimates), D(0))
    expected = owed if overall_limit is None else min(owed, overall_limit)
    assert policy.total_payable == expected
    for before, after in zip(estimates, policy.guarantees, strict=True):
        assert D(0) <= after.payable <= before.payable
        assert after.payable + after.cut_by_policy_limit == before.payable


interruption_settings = st.fixed_dictionaries(
    {
        "hourly_margin": st.decimals(min_value=0, max_value=100_000, places=2),
        "waiting_period_hours": st.integers(min_value=0, max_value=72),
        "waiting_mode": st.sampled_from(["beyond", "first_hour"]),
        "indemnity_period_days": st.none() | st.integers(min_value=0, max_value=365),
    }
)
seconds = st.integers(min_value=0, max_value=400 * 24 * 3600)


@given(interruption_settings, seconds)
def test_it_never_pays_hours_beyond_the_indemnity_period(settings, elapsed):
    end = START + timedelta(seconds=elapsed)

    estimate = business_interruption_loss(START, end, end, **settings)

    assert D(0) <= estimate.indemnified_hours <= estimate.interruption_hours
    if settings["indemnity_period_days"] is not None:
        assert estimate.indemnified_hours <= settings["indemnity_period_days"] * 24


@given(interruption_settings, seconds, seconds)
def test_it_never_pays_less_for_a_longer_interruption(settings, first, second):
    shorter, longer = sorted([first, second])

    def at(elapsed):
        end = START + timedelta(seconds=elapsed)
        return business_interruption_loss(START, end, end, **settings)

    assert at(longer).indemnified_hours >= at(shorter).indemnified_hours
    assert at(longer).loss >= at(shorter).loss


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4))
def test_it_shows_the_amount_rounded_half_up_to_the_cent(amount):
    cents = amount.quantize(D("0.01"), rounding=ROUND_HALF_UP)

    french = format_eur(amount, "fr").replace(NNBSP, "").replace(NBSP + "€", "")
    english = format_eur(amount, "en").replace("€", "").replace(",", "")

    assert D(french.replace(",", ".")) == cents
    assert D(english) == cents
