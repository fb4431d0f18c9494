"""Counting legal time: clock hours, working days and calendar months.

Three ways of counting, each a pure function of aware datetimes (see domain.md §2):

- **Clock hours** are elapsed time. Nights, weekends, public holidays and clock changes all
  count, and nothing is pushed to the next working day: EU Regulation 1182/71 art. 3(4)
  extends only periods *not* expressed in hours. We add in UTC, so a 72 h deadline is exactly
  259 200 s after its anchor whatever the zone it is shown in.
- **Working days** (jours ouvrés) are Monday to Friday minus the public holidays of the
  company's country, taken from the maintained ``holidays`` library. The anchor's own day is
  not counted (the period runs from the next day) and the deadline is the end of the last
  counted day, 23:59:59 in the company's zone, returned in UTC. A deadline "within five
  working days" can be met at any time on the fifth day, so the end of that day is the honest
  reading; the playbook data says when the counting rule is uncertain.
- **Calendar months** follow Regulation 1182/71 art. 3(2)(c): the period ends with the last
  hour of the day with the same date n months later (the last day of the month when that date
  does not exist). We do *not* apply art. 3(4)'s extension past weekends and holidays: when in
  doubt Riposte shows the earlier, more conservative deadline.

France's calendar is the metropolitan one unless the company's department is known: in
Alsace-Moselle (departments 57, 67, 68) local law adds Good Friday and 26 December, and the
``holidays`` library's subdivisions ("57" for Moselle, "6AE" for Alsace) skip them too.  A
company whose department is not given counts with the metropolitan calendar, which can only
make a deadline earlier, never later.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

END_OF_DAY = time(23, 59, 59)
# The years an incident can plausibly be dated in. Anything outside is a typo (a date picker
# happily offers 0001-01-01), and near year 1 or 9999 date arithmetic overflows.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a clock change (e.g. 02:30 on the last Sunday of March)."""


class AmbiguousLocalTime(ValueError):
    """A wall-clock time that happens twice (e.g. 02:30 on the last Sunday of October)."""


def _require_aware(value: datetime, name: str = "anchor") -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")


def localize(naive: datetime, tz: ZoneInfo, *, refuse_ambiguous: bool = False) -> datetime:
    """Attach ``tz`` to a wall-clock time a person typed: the one way Riposte turns a local
    time into a moment.

    - A time that happens twice (the autumn clock change, 02:30 on 25 October 2026 in Paris)
      is its **first occurrence**, the earlier instant, so deadlines counted from it are the
      conservative ones. A form, where the person is there to say which, passes
      ``refuse_ambiguous=True`` and gets ``AmbiguousLocalTime`` instead of the guess.
    - A time that never happens (the spring clock change, 02:30 on 29 March 2026 in Paris) is
      refused with ``NonexistentLocalTime``: no instant is the honest answer, and moving it an
      hour either way would move a legal deadline.
    """
    if naive.tzinfo is not None:
        raise ValueError("localize() expects a naive datetime")
    first = naive.replace(tzinfo=tz, fold=0)
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise NonexistentLocalTime(
            f"{naive.isoformat(timespec='minutes')} does not exist in {tz.key} (clock change)"
        )
    if refuse_ambiguous and first.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        raise AmbiguousLocalTime(
            f"{naive.isoformat(timespec='minutes')} happens twice in {tz.key} (clock change)"
        )
    return first


def add_clock_hours(start: datetime, hours: int) -> datetime:
    """Return ``start`` + ``hours`` elapsed hours, in UTC."""
    _require_aware(start)
    return start.astimezone(UTC) + timedelta(hours=hours)


# French departments whose public holidays differ from the metropolitan calendar, as the
# ``holidays`` library names their subdivision (Code du travail, art. L3134-13: Alsace-Moselle).
HOLIDAY_SUBDIVISIONS = {("FR", "57"): "57", ("FR", "67"): "6AE", ("FR", "68"): "6AE"}
ALSACE_MOSELLE = frozenset({"57", "67", "68"})


def is_department(code: str) -> bool:
    """A French department's code: 01 to 95 (2A, 2B for Corsica) or 971 to 976 overseas."""
    code = (code or "").strip().upper()
    if code in ("2A", "2B"):
        return True
    if not code.isdigit():
        return False
    number = int(code)
    if len(code) == 2:
        return 1 <= number <= 95 and number != 20
    return len(code) == 3 and 971 <= number <= 976


def holiday_subdivision(country: str, department: str = "") -> str | None:
    """The ``holidays`` subdivision of a company's department, or None for the country's own."""
    return HOLIDAY_SUBDIVISIONS.get((country, (department or "").strip().upper()))


@functools.cache
def _holidays(country: str, year: int, subdiv: str | None = None) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year).keys())


def is_working_day(day: date, country: str, department: str = "") -> bool:
    """Monday to Friday and not a public holiday of ``country`` (and of the department)."""
    subdiv = holiday_subdivision(country, department)
    return day.weekday() < 5 and day not in _holidays(country, day.year, subdiv)


def holiday_name(day: date, country: str, department: str = "") -> str | None:
    """The public holiday's name, for explanations ("Toussaint"), or None."""
    subdiv = holiday_subdivision(country, department)
    if day not in _holidays(country, day.year, subdiv):
        return None
    return holidays.country_holidays(country, subdiv=subdiv, years=day.year).get(day)


def add_working_days(
    start: datetime,
    days: int,
    country: str,
    tz: ZoneInfo,
    *,
    count_start_day: bool = False,
    department: str = "",
) -> datetime:
    """Return the end (23:59:59 in ``tz``) of the ``days``-th working day after ``start``, in UTC.

    ``start``'s own local day is not counted unless ``count_start_day`` is set and it is itself a
    working day (the playbook data chooses; French practice counts from the next day).
    ``department`` (French, e.g. "67") adds its local public holidays to the country's.
    """
    _require_aware(start)
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    day = start.astimezone(tz).date()
    remaining = days
    if count_start_day and is_working_day(day, country, department):
        remaining -= 1
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, country, department):
            remaining -= 1
    return end_of_day(day, tz)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """23:59:59 on ``day`` in ``tz``, as UTC (no European clock change happens at that hour)."""
    return datetime.combine(day, END_OF_DAY, tzinfo=tz).astimezone(UTC)


def add_months(start: datetime, months: int, tz: ZoneInfo) -> datetime:
    """Return the end of the day with the same date ``months`` later in ``tz``, in UTC.

    31 January + 1 month ends on 28 (or 29) February, per Regulation 1182/71 art. 3(2)(c).
    """
    _require_aware(start)
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    local = start.astimezone(tz).date()
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return end_of_day(date(year, month, min(local.day, last_day)), tz)
