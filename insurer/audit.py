"""Deadline compliance across an insurer's portfolio: the one place its figures come from.

The dashboard, its drill-down lists, the CSV export, the PDF report and the verification of
the journals all start from ``Filters.apply(incidents)`` and the verdicts below, so a figure
and the incidents it links to can never disagree.

A step's verdict is computed in SQL and agrees with ``Step.deadline_state``: done at its
due moment exactly is on time (``done_at > due_at`` is late); a step still to do is overdue
once ``now > due_at``. The on-time rate counts overdue steps against the portfolio: a
deadline passed without the step is a deadline not kept, whether or not it is done later.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils.translation import gettext_lazy as _

from core.language import reader_language
from incident_app.models import Membership, Step

# The deadline kinds the audit follows, in the order of the response (playbook step keys).
AUDITED_STEPS = (
    "hotline",
    "complaint",
    "dpa_notification",
    "claim_declaration",
    "nis2_early_warning",
    "nis2_notification",
    "nis2_final_report",
)
VERDICTS = ("on_time", "late", "overdue", "open")
# One name per deadline kind, whatever the country: the CNIL and the CNPD are both "the
# data-protection authority" in a portfolio that holds French and Luxembourg companies.
STEP_TITLES = {
    "hotline": _("Appel de l'assistance"),
    "complaint": _("Dépôt de plainte"),
    "dpa_notification": _("Notification à l'autorité de protection des données"),
    "claim_declaration": _("Déclaration de sinistre"),
    "nis2_early_warning": _("NIS2 : alerte précoce"),
    "nis2_notification": _("NIS2 : notification"),
    "nis2_final_report": _("NIS2 : rapport final"),
}


# --- SQL pieces ---------------------------------------------------------------------------------


class SecondsBetween(Func):
    """``end - start`` in seconds, as a float, on PostgreSQL and SQLite."""

    output_field = FloatField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, conn, **extra):  # PostgreSQL and others with intervals
        return super().as_sql(
            compiler, conn, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - "
        )

    def as_sqlite(self, compiler, conn, **extra):
        return super().as_sql(
            compiler,
            conn,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
        )


class Percentile(Aggregate):
    """The continuous percentile ``fraction`` of an expression, computed by the database.

    PostgreSQL has ``percentile_cont``; SQLite gets an equivalent aggregate registered on
    each connection (``register_sqlite_functions``), so the figures never loop in Python.
    """

    function = "percentile_cont"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, conn, **extra):
        return super().as_sql(
            compiler,
            conn,
            function="riposte_percentile",
            template=f"%(function)s(%(expressions)s, {self.extra['fraction']!r})%(filter)s",
            **extra,
        )


class _SqlitePercentile:
    """SQLite aggregate ``riposte_percentile(value, fraction)``, interpolating like
    PostgreSQL's ``percentile_cont``."""

    def __init__(self):
        self.values = []
        self.fraction = 0.5

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        position = (len(values) - 1) * self.fraction
        low = int(position)
        high = min(low + 1, len(values) - 1)
        return values[low] + (values[high] - values[low]) * (position - low)


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("riposte_percentile", 2, _SqlitePercentile)


def verdict_q(verdict: str, now: datetime, prefix: str = "") -> Q:
    """The steps of one verdict; ``prefix`` reaches them from another model (``steps__``)."""
    return Step.deadline_state_q(verdict, now, prefix)


# --- scope and filters --------------------------------------------------------------------------


def auditor_organisations(user) -> list[int]:
    """The insurers the user audits for."""
    if not user.is_authenticated:
        return []
    return [
        m.organisation_id for m in user.current_memberships if m.role == Membership.Role.AUDITOR
    ]


def portfolio(user, organisation_ids: list[int] | None = None):
    """The incidents under the policies of the insurers the user audits for, as far as the
    one visibility rule lets the user see them."""
    from incident_app.access import visible_incidents

    ids = auditor_organisations(user) if organisation_ids is None else organisation_ids
    return visible_incidents(user).filter(policy__insurer_id__in=ids)


@dataclass(frozen=True)
class Filters:
    """What the auditor narrowed the portfolio to; every field optional."""

    start: date | None = None
    end: date | None = None
    broker: int | None = None
    country: str | None = None
    kind: str | None = None
    policy: int | None = None
    zone: str = "Europe/Paris"

    def apply(self, incidents):
        import zoneinfo

        zone = zoneinfo.ZoneInfo(self.zone)
        if self.start:
            incidents = incidents.filter(
                discovered_at__gte=datetime.combine(self.start, time.min, tzinfo=zone)
            )
        if self.end:
            # The end day is included: up to the next midnight.
            incidents = incidents.filter(
                discovered_at__lt=datetime.combine(
                    self.end + timedelta(days=1), time.min, tzinfo=zone
                )
            )
        if self.broker:
            incidents = incidents.filter(policy__broker_id=self.broker)
        if self.country:
            incidents = incidents.filter(company__country=self.country)
        if self.policy:
            incidents = incidents.filter(policy_id=self.policy)
        if self.kind:
            incidents = with_kind_text(incidents).filter(_kind_q(self.kind))
        return incidents

    def as_dict(self) -> dict:
        """Serialisable (a background task's arguments) and reusable as a query string."""
        values = {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "broker": self.broker or "",
            "country": self.country or "",
            "kind": self.kind or "",
            "policy": self.policy or "",
        }
        return {key: value for key, value in values.items() if value}

    @classmethod
    def from_dict(cls, values: dict, zone: str = "Europe/Paris") -> Filters:
        return cls(
            start=date.fromisoformat(values["start"]) if values.get("start") else None,
            end=date.fromisoformat(values["end"]) if values.get("end") else None,
            broker=int(values["broker"]) if values.get("broker") else None,
            country=values.get("country") or None,
            kind=values.get("kind") or None,
            policy=int(values["policy"]) if values.get("policy") else None,
            zone=zone,
        )


def _kind_q(kind: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(kinds__contains=[kind])
    # SQLite has no JSON containment: the stored list as text holds the quoted value.
    return Q(kinds_text__contains=f'"{kind}"')


def with_kind_text(incidents):
    if connection.vendor == "postgresql":
        return incidents
    return incidents.annotate(kinds_text=Cast("kinds", TextField()))


# --- the figures --------------------------------------------------------------------------------


@dataclass
class KindRow:
    key: str
    title: str
    total: int
    on_time: int
    late: int
    overdue: int
    open: int
    not_applicable: int
    median_hours: float | None
    p90_hours: float | None

    @property
    def decided(self) -> int:
        """Deadlines whose outcome is known: kept, missed, or passed without the step."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


@dataclass
class MonthRow:
    month: date
    on_time: int
    late: int
    overdue: int
    open: int

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


@dataclass
class Dashboard:
    kinds: list[KindRow] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    incidents: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.kinds


def deadline_steps(incidents):
    """The steps with a deadline the audit follows, of these incidents."""
    return Step.objects.filter(
        incident__in=incidents.values("pk"),
        key__in=AUDITED_STEPS,
        due_at__isnull=False,
    )


def with_deadline_steps(incidents):
    """The incidents joined once to their audited steps with a deadline: the figures are
    aggregated over this join, which the database may start from either side (from the
    incidents of a small portfolio through the steps' index, or from all steps)."""
    return incidents.filter(steps__key__in=AUDITED_STEPS, steps__due_at__isnull=False)


def _counts(now) -> dict:
    applicable = Q(steps__applicable=True)
    counts = {
        v: Count("steps__id", filter=applicable & verdict_q(v, now, "steps__")) for v in VERDICTS
    }
    counts["not_applicable"] = Count("steps__id", filter=Q(steps__status="not_applicable"))
    return counts


def dashboard(incidents, now: datetime) -> Dashboard:
    """Per deadline kind and per month: how many deadlines were kept, missed, passed, open,
    and how long after the discovery the steps were done (median and 90th percentile).

    Three aggregate queries, whatever the size of the portfolio.
    """
    with _room_to_sort():
        return _dashboard(incidents, now)


@contextmanager
def _room_to_sort():
    """On PostgreSQL, memory enough to sort a portfolio's delays for the percentiles without
    spilling to disk (about 50 bytes a step: 64 MB holds a million), for these queries only."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def _dashboard(incidents, now: datetime) -> Dashboard:
    language = reader_language()
    joined = with_deadline_steps(incidents)
    delay = SecondsBetween(F("steps__done_at"), F("discovered_at"))
    done = Q(steps__status="done", steps__applicable=True)
    per_kind = (
        joined.values("steps__key")
        .annotate(
            # The playbook's own title in the reader's language: one row per deadline kind
            # (a portfolio of French and Luxembourg companies shows one authority's name).
            title=Min(
                Coalesce(
                    KeyTextTransform(language, KeyTransform("title", "steps__definition")),
                    KeyTextTransform("fr", KeyTransform("title", "steps__definition")),
                )
            ),
            total=Count(
                "steps__id",
                filter=Q(steps__applicable=True) | Q(steps__status="not_applicable"),
            ),
            median=Percentile(delay, 0.5, filter=done),
            p90=Percentile(delay, 0.9, filter=done),
            **_counts(now),
        )
        .order_by()
    )
    order = {key: index for index, key in enumerate(AUDITED_STEPS)}
    kinds = sorted(
        (
            KindRow(
                key=row["steps__key"],
                title=row["title"] or str(STEP_TITLES.get(row["steps__key"], row["steps__key"])),
                total=row["total"],
                on_time=row["on_time"],
                late=row["late"],
                overdue=row["overdue"],
                open=row["open"],
                not_applicable=row["not_applicable"],
                median_hours=_hours(row["median"]),
                p90_hours=_hours(row["p90"]),
            )
            for row in per_kind
        ),
        key=lambda row: order.get(row.key, len(order)),
    )
    per_month = (
        joined.annotate(month=TruncMonth("discovered_at", tzinfo=UTC))
        .values("month")
        .annotate(**{v: c for v, c in _counts(now).items() if v in VERDICTS})
        .order_by("month")
    )
    months = [
        MonthRow(
            month=_as_date(row["month"]),
            on_time=row["on_time"],
            late=row["late"],
            overdue=row["overdue"],
            open=row["open"],
        )
        for row in per_month
    ]
    return Dashboard(kinds=kinds, months=months, incidents=incidents.count())


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # SQLite may return the truncated moment as text
        return date.fromisoformat(value[:10])
    return value


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    following = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return start, following


def incidents_behind(
    incidents,
    now: datetime,
    *,
    step: str | None = None,
    verdict: str | None = None,
    month: date | None = None,
):
    """The incidents behind one figure of the dashboard: those with a step of this kind (any
    audited kind when None) and this verdict, discovered in this month (UTC, as the series)."""
    if month:
        start, following = month_bounds(month)
        incidents = incidents.filter(discovered_at__gte=start, discovered_at__lt=following)
    if step is None and verdict is None:
        return incidents
    steps = Step.objects.filter(
        incident=OuterRef("pk"),
        key__in=[step] if step else AUDITED_STEPS,
        due_at__isnull=False,
    )
    if verdict:
        steps = steps.filter(Q(applicable=True) & verdict_q(verdict, now))
    return incidents.filter(Exists(steps))


# --- one row per incident, for the export ------------------------------------------------------


class IsoUtc(Func):
    """A moment as ISO 8601 text in UTC (``2026-10-23T20:15:00Z``), written by the database:
    the export streams text and never builds a Python datetime per cell."""

    output_field = CharField()

    def as_sql(self, compiler, conn, **extra):  # PostgreSQL
        return super().as_sql(
            compiler,
            conn,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            **extra,
        )

    def as_sqlite(self, compiler, conn, **extra):
        return super().as_sql(
            compiler,
            conn,
            template="strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%SZ', %(expressions)s)",
            **extra,
        )


def _verdict_case(alias: str, now: datetime) -> Case:
    """The verdict of one exported deadline, by the same rule as ``verdict_q``."""

    def on(**lookups):
        return Q(**{f"{alias}__{name}": value for name, value in lookups.items()})

    return Case(
        When(on(id__isnull=True), then=Value("")),
        When(on(status="not_applicable"), then=Value("not_applicable")),
        When(on(applicable=False) | on(due_at__isnull=True), then=Value("")),
        When(on(status="done", done_at__gt=F(f"{alias}__due_at")), then=Value("late")),
        When(on(status="done"), then=Value("on_time")),
        When(on(due_at__lt=now), then=Value("overdue")),
        default=Value("open"),
        output_field=CharField(),
    )


def export_rows(incidents, now: datetime):
    """The compliance table, one row of text per incident with each audited deadline's due
    and done times and verdict side by side: one join per deadline kind on the unique
    (incident, key) of the steps, no grouping, read by the database in chunks."""
    relations, columns = {}, []
    for key in AUDITED_STEPS:
        alias = f"step_{key}"
        relations[alias] = FilteredRelation("steps", condition=Q(steps__key=key))
        columns += [f"{alias}_due", f"{alias}_done", f"{alias}_verdict"]
    annotations = {}
    for key in AUDITED_STEPS:
        alias = f"step_{key}"
        annotations[f"{alias}_due"] = IsoUtc(f"{alias}__due_at")
        annotations[f"{alias}_done"] = IsoUtc(f"{alias}__done_at")
        annotations[f"{alias}_verdict"] = _verdict_case(alias, now)
    return (
        with_kind_text(incidents)
        .annotate(**relations)
        .annotate(
            discovered=IsoUtc("discovered_at"),
            kinds_list=Cast("kinds", TextField()),
            **annotations,
        )
        # In the order incidents were recorded: the joins stream along the primary keys,
        # and the first rows leave before the last are read.
        .order_by("pk")
        .values_list(
            "reference",
            "company__name",
            "company__country",
            "policy__number",
            "policy__broker__name",
            "kinds_list",
            "discovered",
            "status",
            *columns,
        )
    )
