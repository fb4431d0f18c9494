"""The one service the dashboard, lists, export and report count with."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insurer import audit


def _rows(figures):
    return {row.key: row for row in figures.kinds}


def _portfolio_of(auditor):
    return audit.portfolio(auditor)


def test_it_counts_a_step_done_at_its_due_moment_as_on_time(auditor, portfolio):
    rows = _rows(audit.dashboard(_portfolio_of(auditor), timezone.now()))
    assert rows["complaint"].on_time == 2
    assert rows["complaint"].late == 0


def test_it_counts_a_step_done_one_second_after_as_late(auditor, portfolio):
    rows = _rows(audit.dashboard(_portfolio_of(auditor), timezone.now()))
    assert rows["dpa_notification"].late == 1
    assert rows["dpa_notification"].on_time == 0
    assert rows["dpa_notification"].on_time_rate == 0.0


def test_it_counts_an_open_step_past_its_deadline_as_overdue(auditor, portfolio):
    now = timezone.now()
    rows = _rows(audit.dashboard(_portfolio_of(auditor), now))
    declaration = rows["claim_declaration"]
    # Both declarations are past their deadline (one a minute ago, one weeks ago).
    assert (declaration.overdue, declaration.open) == (2, 0)
    # A minute before, the first was still open.
    earlier = _rows(audit.dashboard(_portfolio_of(auditor), now - timedelta(minutes=2)))
    assert earlier["claim_declaration"].open == 1
    # Overdue counts against the rate: one decided deadline, not kept.
    assert declaration.on_time_rate == 0.0


def test_it_gives_the_median_and_90th_percentile_from_discovery_to_done(auditor, portfolio):
    rows = _rows(audit.dashboard(_portfolio_of(auditor), timezone.now()))
    # 72 h (done at the deadline) and 10 h: interpolated like percentile_cont.
    assert rows["complaint"].median_hours == 41.0
    assert rows["complaint"].p90_hours == pytest.approx(65.8, abs=0.1)
    assert rows["claim_declaration"].median_hours is None


def test_it_leaves_out_the_incidents_of_another_insurer(auditor, portfolio):
    figures = audit.dashboard(_portfolio_of(auditor), timezone.now())
    assert figures.incidents == 2
    # The other insurer's complaint was late; none of ours was.
    assert _rows(figures)["complaint"].late == 0


def test_it_computes_the_figures_in_a_fixed_number_of_queries(auditor, portfolio):
    with CaptureQueriesContext(connection) as queries:
        audit.dashboard(_portfolio_of(auditor), timezone.now())
    # On PostgreSQL the figures' memory is set for their transaction alone (SAVEPOINT, SET
    # LOCAL, RELEASE): not queries of the portfolio.
    reads = [q for q in queries if not q["sql"].startswith(("SAVEPOINT", "SET LOCAL", "RELEASE"))]
    assert len(reads) <= 4


def test_it_series_the_deadlines_by_month_of_discovery(auditor, portfolio):
    figures = audit.dashboard(_portfolio_of(auditor), timezone.now())
    assert sum(m.on_time for m in figures.months) == 2
    assert sum(m.late for m in figures.months) == 1
    assert figures.months == sorted(figures.months, key=lambda m: m.month)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "LU"}, {"second"}),
        ({"kind": "ransomware"}, {"incident"}),
        ({"kind": "phishing"}, {"second"}),
        ({"broker": "other"}, {"second"}),
        ({"policy": "second"}, {"second"}),
        ({"start": 10}, {"incident"}),
        ({"end": 10}, {"second"}),
    ],
)
def test_it_narrows_the_portfolio_with_each_filter(
    auditor, portfolio, other_broker_org, second_policy, filters, expected
):
    today = timezone.localdate()
    values = {}
    for name, value in filters.items():
        if name == "broker":
            values["broker"] = other_broker_org.pk
        elif name == "policy":
            values["policy"] = second_policy.pk
        elif name in ("start", "end"):
            values[name] = today - timedelta(days=value)
        else:
            values[name] = value
    chosen = audit.Filters(**values).apply(_portfolio_of(auditor))
    references = set(chosen.values_list("reference", flat=True))
    assert references == {portfolio[name].reference for name in expected}


def test_it_finds_the_incidents_behind_a_figure(auditor, portfolio):
    now = timezone.now()
    behind = audit.incidents_behind(
        _portfolio_of(auditor), now, step="dpa_notification", verdict="late"
    )
    assert list(behind.values_list("reference", flat=True)) == [portfolio["incident"].reference]
    on_time = audit.incidents_behind(
        _portfolio_of(auditor), now, step="complaint", verdict="on_time"
    )
    assert on_time.count() == 2


def test_it_exports_one_row_per_incident_with_each_deadline(auditor, portfolio):
    from insurer.audit import AUDITED_STEPS

    rows = list(audit.export_rows(_portfolio_of(auditor), timezone.now()))
    assert len(rows) == 2
    mine = next(r for r in rows if r[0] == portfolio["incident"].reference)
    complaint = 8 + 3 * AUDITED_STEPS.index("complaint")
    declaration = 8 + 3 * AUDITED_STEPS.index("claim_declaration")
    hotline = 8 + 3 * AUDITED_STEPS.index("hotline")
    assert mine[complaint] == mine[complaint + 1]  # done at its due moment
    assert mine[complaint].endswith("Z") and "T" in mine[complaint]
    assert mine[complaint + 2] == "on_time"
    assert mine[declaration + 2] == "overdue"
    assert mine[hotline + 2] == ""  # no deadline
