"""Counting time: clock hours in UTC, working days on each country's calendar, months."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbooks.timecalc import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    add_clock_hours,
    add_months,
    add_working_days,
    holiday_name,
    holiday_subdivision,
    is_working_day,
    localize,
)

PARIS = ZoneInfo("Europe/Paris")
LUXEMBOURG = ZoneInfo("Europe/Luxembourg")
ZONES = {"FR": PARIS, "LU": LUXEMBOURG}
# Independent of the code under test: the library's own calendars, for the whole range drawn.
CALENDARS = {c: holidays.country_holidays(c, years=range(2000, 2092)) for c in ZONES}

instants = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2089, 12, 31),
    timezones=st.timezones(),
    allow_imaginary=False,
)


def local(value: datetime, zone: ZoneInfo = PARIS) -> datetime:
    return value.astimezone(zone)


@given(start=instants, hours=st.integers(min_value=1, max_value=24 * 400))
def test_it_puts_a_clock_hour_deadline_exactly_n_hours_after_its_anchor_in_any_zone(start, hours):
    due = add_clock_hours(start, hours)

    assert due.utcoffset() == timedelta(0)
    assert (due - start).total_seconds() == hours * 3600
    # the same, counted on naive UTC wall clocks (exact to the microsecond, no float)
    utc_wall = start.astimezone(UTC).replace(tzinfo=None)
    assert due.replace(tzinfo=None) - utc_wall == timedelta(hours=hours)


@given(
    start=instants,
    days=st.integers(min_value=1, max_value=40),
    country=st.sampled_from(sorted(ZONES)),
)
def test_it_never_puts_a_working_day_deadline_on_a_weekend_or_holiday(start, days, country):
    zone = ZONES[country]
    due = add_working_days(start, days, country, zone)

    due_day = due.astimezone(zone).date()
    assert due_day.weekday() < 5
    assert due_day not in CALENDARS[country]
    assert due.astimezone(zone).time().isoformat() == "23:59:59"
    # exactly `days` working days in (start's local day, due day]
    first = start.astimezone(zone).date() + timedelta(days=1)
    span = [first + timedelta(days=i) for i in range((due_day - first).days + 1)]
    working = [d for d in span if d.weekday() < 5 and d not in CALENDARS[country]]
    assert len(working) == days


def test_it_counts_nights_in_clock_hours():
    start = datetime(2026, 3, 10, 2, 0, tzinfo=PARIS)  # Tuesday, 2 a.m.

    assert local(add_clock_hours(start, 24)) == datetime(2026, 3, 11, 2, 0, tzinfo=PARIS)


def test_it_does_not_extend_clock_hours_past_a_weekend():
    start = datetime(2026, 3, 13, 18, 0, tzinfo=PARIS)  # Friday evening

    assert local(add_clock_hours(start, 72)) == datetime(2026, 3, 16, 18, 0, tzinfo=PARIS)


def test_it_moves_the_local_hour_across_the_spring_clock_change():
    start = datetime(2026, 3, 27, 10, 0, tzinfo=PARIS)  # CET, clocks go forward on the 29th

    due = local(add_clock_hours(start, 72))

    assert due.isoformat() == "2026-03-30T11:00:00+02:00"


def test_it_moves_the_local_hour_across_the_autumn_clock_change():
    start = datetime(2026, 10, 23, 22, 15, tzinfo=PARIS)  # CEST, clocks go back on the 25th

    assert local(add_clock_hours(start, 72)).isoformat() == "2026-10-26T21:15:00+01:00"


def test_it_counts_working_days_from_the_next_day_and_skips_the_weekend():
    start = datetime(2026, 10, 23, 22, 15, tzinfo=PARIS)  # Friday

    due = add_working_days(start, 5, "FR", PARIS)

    assert local(due).isoformat() == "2026-10-30T23:59:59+01:00"


def test_it_can_count_the_anchor_day_when_the_data_says_so():
    start = datetime(2026, 10, 22, 9, 0, tzinfo=PARIS)  # Thursday

    due = add_working_days(start, 5, "FR", PARIS, count_start_day=True)

    assert local(due).date() == date(2026, 10, 28)


@pytest.mark.parametrize(
    ("start", "days", "country", "expected"),
    [
        # 11 November (Armistice) is a holiday in France, not in Luxembourg
        (date(2026, 11, 9), 5, "FR", date(2026, 11, 17)),
        (date(2026, 11, 9), 5, "LU", date(2026, 11, 16)),
        # 23 June (national day) is a holiday in Luxembourg, not in France
        (date(2026, 6, 22), 5, "LU", date(2026, 6, 30)),
        (date(2026, 6, 22), 5, "FR", date(2026, 6, 29)),
        # 14 July in France
        (date(2026, 7, 13), 5, "FR", date(2026, 7, 21)),
        (date(2026, 7, 13), 5, "LU", date(2026, 7, 20)),
        # 8 May 2028 (Monday) in France, 9 May 2028 (Tuesday, Europe Day) in Luxembourg
        (date(2028, 5, 5), 1, "FR", date(2028, 5, 9)),
        (date(2028, 5, 5), 1, "LU", date(2028, 5, 8)),
        # Ascension (Thursday 14 May 2026) in both
        (date(2026, 5, 13), 1, "FR", date(2026, 5, 15)),
        (date(2026, 5, 13), 1, "LU", date(2026, 5, 15)),
        # Christmas in both, 26 December only in Luxembourg
        (date(2025, 12, 24), 1, "FR", date(2025, 12, 26)),
        (date(2025, 12, 24), 1, "LU", date(2025, 12, 29)),
    ],
)
def test_it_skips_each_countrys_public_holidays(start, days, country, expected):
    zone = ZONES[country]
    anchor = datetime.combine(start, datetime.min.time(), tzinfo=zone).replace(hour=10)

    due = add_working_days(anchor, days, country, zone)

    assert due.astimezone(zone).date() == expected


def test_it_counts_the_leap_day_in_clock_hours_and_working_days():
    start = datetime(2028, 2, 28, 12, 0, tzinfo=PARIS)

    assert local(add_clock_hours(start, 24)).date() == date(2028, 2, 29)
    friday = datetime(2028, 2, 25, 12, 0, tzinfo=PARIS)
    assert local(add_working_days(friday, 2, "FR", PARIS)).date() == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 10, 26), 1, date(2026, 11, 26)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_it_ends_a_month_period_on_the_same_date_or_the_months_last_day(start, months, expected):
    anchor = datetime.combine(start, datetime.min.time(), tzinfo=PARIS).replace(hour=9)

    due = local(add_months(anchor, months, PARIS))

    assert due.date() == expected
    assert due.time().isoformat() == "23:59:59"


def test_it_refuses_naive_anchors():
    with pytest.raises(ValueError, match="aware"):
        add_clock_hours(datetime(2026, 1, 1, 12, 0), 72)


def test_it_reads_an_ambiguous_local_time_as_its_earlier_instant():
    value = localize(datetime(2026, 10, 25, 2, 30), PARIS)

    assert value.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_it_refuses_a_local_time_skipped_by_the_clock_change():
    with pytest.raises(NonexistentLocalTime, match="does not exist in Europe/Paris"):
        localize(datetime(2026, 3, 29, 2, 30), PARIS)


def test_it_refuses_an_ambiguous_local_time_only_when_asked_to():
    with pytest.raises(AmbiguousLocalTime, match="happens twice in Europe/Paris"):
        localize(datetime(2026, 10, 25, 2, 30), PARIS, refuse_ambiguous=True)
    # An hour that happens once is the same moment either way.
    plain = datetime(2026, 10, 25, 4, 30)
    assert localize(plain, PARIS, refuse_ambiguous=True) == localize(plain, PARIS)


def test_it_skips_good_friday_in_alsace_moselle_only():
    # Thursday 25 March 2027; Good Friday is the 26th, Easter Monday the 29th.
    start = datetime(2027, 3, 25, 10, 0, tzinfo=PARIS)
    metropolitan = add_working_days(start, 5, "FR", PARIS)
    for department in ("57", "67", "68"):
        local = add_working_days(start, 5, "FR", PARIS, department=department)
        assert local.astimezone(PARIS).date() == date(2027, 4, 5)
    assert metropolitan.astimezone(PARIS).date() == date(2027, 4, 2)
    assert add_working_days(start, 5, "FR", PARIS, department="75") == metropolitan


def test_it_skips_26_december_in_alsace_moselle():
    assert is_working_day(date(2025, 12, 26), "FR")
    assert not is_working_day(date(2025, 12, 26), "FR", "67")
    assert holiday_name(date(2026, 4, 3), "FR", "57") == "Vendredi saint"
    assert holiday_name(date(2026, 4, 3), "FR") is None


def test_it_ignores_a_department_outside_france():
    assert holiday_subdivision("LU", "67") is None
    assert holiday_subdivision("FR", "68") == "6AE"
