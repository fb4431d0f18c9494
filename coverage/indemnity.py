"""Indemnity estimates for the guarantees of a cyber policy.

Pure computation on ``Decimal``: no Django, no database, so every rule can be tested alone and
reused by views, the claim dossier and the benchmarks.  Amounts are never rounded here; they are
rounded half-up to the cent only when shown, by :func:`format_eur`.

Every estimate carries ``lines``: a list of :class:`ExplanationLine` (a code and its values) that
say how the figure was computed.  :func:`explain` turns them into French or English sentences.

Order of operations for one guarantee (the usual reading of a policy's "franchise" and
"plafond" clauses): costs are added up, the deductible is taken off, then the result is capped by
the guarantee's limit or sublimit.  The overall policy limit is applied afterwards, across
guarantees, by :func:`estimate_policy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.language import language_code
from coverage.triggers import guarantee_label

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
HOURS_PER_DAY = 24
SECONDS_PER_HOUR = Decimal(3600)

WAITING_MODES = ("beyond", "first_hour")

NARROW_NBSP = "\u202f"  # French thousands separator (CLDR)
NBSP = "\u00a0"  # French space before the euro sign, a colon or a percent sign


# --- explanation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplanationLine:
    """One step of a computation: a code and the values its sentence needs.

    Value keys tell how they are shown: ``percent``, ``days`` and keys ending in ``hours`` are
    numbers, ``kind`` is a guarantee kind (shown by its label), any other key is money in euros.
    """

    code: str
    values: Mapping[str, Decimal | int | str] = field(default_factory=dict)


PHRASES: dict[str, dict[str, str]] = {
    # one guarantee
    "claimed": {
        "fr": "Frais retenus pour cette garantie\u00a0: {amount}",
        "en": "Costs claimed under this guarantee: {amount}",
    },
    "no_deductible": {"fr": "Sans franchise", "en": "No deductible"},
    "deductible": {"fr": "Franchise fixe\u00a0: {amount}", "en": "Fixed deductible: {amount}"},
    "deductible_percent": {
        "fr": "Franchise de {percent}\u00a0% des frais\u00a0: {amount}",
        "en": "Deductible of {percent}% of the costs: {amount}",
    },
    "deductible_floor": {
        "fr": "Franchise de {percent}\u00a0% des frais ({computed}), portée au minimum de {amount}",
        "en": "Deductible of {percent}% of the costs ({computed}), raised to the minimum of "
        "{amount}",
    },
    "deductible_greater": {
        "fr": "Franchise\u00a0: la plus élevée du montant fixe ({fixed}) et de {percent}\u00a0% "
        "des frais ({computed}), soit {amount}",
        "en": "Deductible: the greater of the fixed amount ({fixed}) and {percent}% of the "
        "costs ({computed}), that is {amount}",
    },
    "deductible_greater_floor": {
        "fr": "Franchise\u00a0: la plus élevée du montant fixe ({fixed}) et de {percent}\u00a0% "
        "des frais avec un minimum de {floor} ({computed}), soit {amount}",
        "en": "Deductible: the greater of the fixed amount ({fixed}) and {percent}% of the "
        "costs with a minimum of {floor} ({computed}), that is {amount}",
    },
    "after_deductible": {
        "fr": "Après franchise\u00a0: {amount}",
        "en": "After the deductible: {amount}",
    },
    "no_limit": {"fr": "Pas de plafond pour cette garantie", "en": "No limit on this guarantee"},
    "within_limit": {"fr": "Dans le plafond de {cap}", "en": "Within the limit of {cap}"},
    "within_sublimit": {
        "fr": "Dans le sous-plafond de {cap}",
        "en": "Within the sublimit of {cap}",
    },
    "limit": {
        "fr": "Ramené au plafond de la garantie\u00a0: {cap}",
        "en": "Capped at the guarantee limit: {cap}",
    },
    "sublimit": {
        "fr": "Ramené au sous-plafond\u00a0: {cap}",
        "en": "Capped at the sublimit: {cap}",
    },
    "payable": {"fr": "Indemnité estimée\u00a0: {amount}", "en": "Estimated indemnity: {amount}"},
    # the policy
    "policy_limit": {
        "fr": "Plafond global du contrat ({limit}) atteint\u00a0: {kind}, indemnité ramenée de "
        "{before} à {amount}",
        "en": "Overall policy limit ({limit}) reached: {kind} cut from {before} to {amount}",
    },
    "no_policy_limit": {"fr": "Pas de plafond global", "en": "No overall policy limit"},
    "within_policy_limit": {
        "fr": "Dans le plafond global de {limit} (reste {remaining})",
        "en": "Within the overall policy limit of {limit} ({remaining} left)",
    },
    "policy_total": {
        "fr": "Total\u00a0: {amount} d'indemnité estimée pour {claimed} de frais",
        "en": "Total: {amount} estimated indemnity for {claimed} of costs",
    },
    # business interruption
    "interruption": {
        "fr": "Interruption\u00a0: {hours}\u00a0h",
        "en": "Interruption: {hours} h",
    },
    "interruption_ongoing": {
        "fr": "Interruption en cours\u00a0: {hours}\u00a0h à ce stade (l'estimation évolue)",
        "en": "Interruption still ongoing: {hours} h so far (the estimate keeps updating)",
    },
    "hourly_margin": {
        "fr": "Marge brute horaire\u00a0: {amount}",
        "en": "Hourly gross margin: {amount}",
    },
    "hourly_margin_from_annual": {
        "fr": "Marge brute horaire\u00a0: {annual} ÷ {operating_hours}\u00a0h d'exploitation "
        "= {amount}",
        "en": "Hourly gross margin: {annual} ÷ {operating_hours} operating hours = {amount}",
    },
    "no_waiting_period": {
        "fr": "Sans franchise horaire\u00a0: {hours}\u00a0h indemnisées",
        "en": "No waiting period: {hours} h paid",
    },
    "waiting_period": {
        "fr": "Franchise horaire de {waiting_hours}\u00a0h\u00a0: seules les heures au-delà sont "
        "indemnisées, soit {hours}\u00a0h",
        "en": "Waiting period of {waiting_hours} h: only the hours beyond it are paid, {hours} h",
    },
    "waiting_period_first_hour": {
        "fr": "Franchise horaire de {waiting_hours}\u00a0h dépassée\u00a0: indemnisation dès la "
        "première heure, soit {hours}\u00a0h",
        "en": "Waiting period of {waiting_hours} h exceeded: paid from the first hour, {hours} h",
    },
    "waiting_period_not_exceeded": {
        "fr": "Franchise horaire de {waiting_hours}\u00a0h non dépassée\u00a0: aucune heure "
        "indemnisée",
        "en": "Waiting period of {waiting_hours} h not exceeded: no hour paid",
    },
    "indemnity_period": {
        "fr": "Période d'indemnisation de {days}\u00a0jours\u00a0: heures indemnisées limitées "
        "à {hours}\u00a0h",
        "en": "Indemnity period of {days} days: paid hours limited to {hours} h",
    },
    "lost_margin": {
        "fr": "Marge brute perdue\u00a0: {hours}\u00a0h × {hourly} = {amount}",
        "en": "Lost gross margin: {hours} h × {hourly} = {amount}",
    },
    "extra_costs": {
        "fr": "Frais supplémentaires d'exploitation\u00a0: {amount}",
        "en": "Extra operating costs: {amount}",
    },
    "business_interruption_loss": {
        "fr": "Perte d'exploitation estimée\u00a0: {amount}",
        "en": "Estimated business interruption loss: {amount}",
    },
}

_NUMBER_KEYS = frozenset({"percent", "days"})


def explain(lines: Iterable[ExplanationLine], lang: str) -> list[str]:
    """The lines as sentences in ``lang`` ("fr" or "en"), amounts rounded to the cent."""
    lang = language_code(lang)
    return [PHRASES[line.code][lang].format(**_shown(line.values, lang)) for line in lines]


def _shown(values: Mapping[str, Decimal | int | str], lang: str) -> dict[str, str]:
    shown = {}
    for key, value in values.items():
        if key == "kind":
            shown[key] = guarantee_label(str(value), lang)
        elif key in _NUMBER_KEYS or key.endswith("hours"):
            shown[key] = format_number(Decimal(value), lang)
        else:
            shown[key] = format_eur(Decimal(value), lang)
    return shown


# --- formatting ---------------------------------------------------------------------------------


def format_eur(amount: Decimal, lang: str) -> str:
    """Euros rounded half-up to the cent: "1 800,00 €" in French, "€1,800.00" in English.

    French follows CLDR: a narrow no-break space (U+202F) between thousands, a decimal comma and
    a no-break space (U+00A0) before the euro sign.
    """
    lang = language_code(lang)
    cents = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    units, decimals = f"{abs(cents):f}".split(".")
    if lang == "fr":
        return f"{sign}{_grouped(units, NARROW_NBSP)},{decimals}{NBSP}€"
    return f"{sign}€{_grouped(units, ',')}.{decimals}"


def format_number(value: Decimal, lang: str) -> str:
    """A number such as hours or a percentage, to at most two decimals: "1 234,5" / "1,234.5"."""
    lang = language_code(lang)
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    units, decimals = f"{abs(rounded):f}".split(".")
    decimals = decimals.rstrip("0")
    separator, point = (NARROW_NBSP, ",") if lang == "fr" else (",", ".")
    shown = _grouped(units, separator)
    return f"{sign}{shown}{point}{decimals}" if decimals else f"{sign}{shown}"


def _grouped(digits: str, separator: str) -> str:
    return f"{int(digits):,}".replace(",", separator)


# --- one guarantee ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuaranteeTerms:
    """What one guarantee of a policy pays, as written in the contract.

    Amounts are euros; ``None`` means the clause is absent.

    Deductible ("franchise"), taken off the costs claimed under the guarantee (the loss):

    - ``deductible_amount``: a fixed amount.
    - ``deductible_percent``: a percentage of the loss, written 0–100 (``Decimal("10")`` is 10 %).
    - ``deductible_floor``: the minimum of the percentage deductible, in euros; it only makes
      sense with a percentage (the ``Guarantee`` model refuses it otherwise, and so do we).
    - Convention when a fixed amount and a percentage are both given: the deductible is the
      greater of the two, ``max(amount, max(percent × loss, floor))``, the usual reading of
      "x % with a minimum of y €" and "z € or x %, whichever is greater" clauses.
    - The deductible can exceed the loss; the amount after deductible is then zero, never
      negative.

    Caps: ``limit`` is the guarantee's limit, ``sublimit`` a lower cap inside it (for instance
    cyber-fraud within a wider limit).  The effective cap is ``min(limit, sublimit)`` over those
    that are set, and no cap when neither is.  The cap applies after the deductible.

    Business interruption only: ``waiting_period_hours`` ("franchise horaire"), ``waiting_mode``
    ("beyond": only the hours beyond the waiting period are paid; "first_hour": once the waiting
    period is exceeded, every hour from the first is paid) and ``indemnity_period_days``, counted
    from the start of the interruption.  See :func:`business_interruption_loss`.
    """

    kind: str
    limit: Decimal | None = None
    sublimit: Decimal | None = None
    deductible_amount: Decimal | None = None
    deductible_percent: Decimal | None = None
    deductible_floor: Decimal | None = None
    waiting_period_hours: int = 0
    waiting_mode: str = "beyond"
    indemnity_period_days: int | None = None

    def __post_init__(self):
        for name in ("limit", "sublimit", "deductible_amount", "deductible_floor"):
            value = getattr(self, name)
            if value is not None:
                _check_amount(value, name)
        if self.deductible_percent is not None:
            _check_amount(self.deductible_percent, "deductible_percent")
            if self.deductible_percent > HUNDRED:
                raise ValueError(
                    f"deductible_percent must be between 0 and 100, got {self.deductible_percent}."
                )
        if self.deductible_floor is not None and self.deductible_percent is None:
            raise ValueError("deductible_floor is the minimum of a percentage deductible: set one.")
        _check_waiting(self.waiting_period_hours, self.waiting_mode)
        _check_indemnity_period(self.indemnity_period_days)

    @property
    def cap(self) -> Decimal | None:
        """The effective cap: the lower of the limit and the sublimit, ``None`` if neither."""
        caps = [value for value in (self.limit, self.sublimit) if value is not None]
        return min(caps) if caps else None

    def deductible(self, loss: Decimal) -> Decimal:
        """The deductible for a loss, by the convention of the class docstring."""
        return self._deductible(loss)[0]

    def _deductible(self, loss: Decimal) -> tuple[Decimal, ExplanationLine]:
        fixed, percent, floor = (
            self.deductible_amount,
            self.deductible_percent,
            self.deductible_floor,
        )
        if percent is None:
            if not fixed:
                return ZERO, ExplanationLine("no_deductible")
            return fixed, ExplanationLine("deductible", {"amount": fixed})
        proportional = loss * percent / HUNDRED
        with_floor = max(proportional, floor or ZERO)
        if fixed is not None:
            amount = max(fixed, with_floor)
            values = {"fixed": fixed, "percent": percent, "computed": with_floor, "amount": amount}
            if floor is None:
                return amount, ExplanationLine("deductible_greater", values)
            return amount, ExplanationLine("deductible_greater_floor", values | {"floor": floor})
        if with_floor > proportional:
            values = {"percent": percent, "computed": proportional, "amount": with_floor}
            return with_floor, ExplanationLine("deductible_floor", values)
        values = {"percent": percent, "amount": proportional}
        return proportional, ExplanationLine("deductible_percent", values)


@dataclass(frozen=True)
class GuaranteeEstimate:
    """The estimated indemnity of one guarantee and how it was reached.

    ``deductible`` is the contractual deductible for this loss (it may exceed ``claimed``);
    ``cap`` the effective cap, ``None`` when there is none; ``payable`` the estimated indemnity,
    after the overall policy limit when the estimate went through :func:`estimate_policy`, which
    records how much that limit took off in ``cut_by_policy_limit``.
    """

    kind: str
    claimed: Decimal
    deductible: Decimal
    after_deductible: Decimal
    cap: Decimal | None
    payable: Decimal
    lines: list[ExplanationLine]
    cut_by_policy_limit: Decimal = ZERO

    @property
    def was_cut(self) -> bool:
        """Whether the overall policy limit reduced this guarantee's indemnity."""
        return self.cut_by_policy_limit > 0

    def explain(self, lang: str) -> list[str]:
        return explain(self.lines, lang)


def estimate_guarantee(
    terms: GuaranteeTerms,
    costs: Iterable[Decimal],
    *,
    interruption: BusinessInterruptionEstimate | None = None,
) -> GuaranteeEstimate:
    """The indemnity of one guarantee for its costs: deductible first, then limit or sublimit.

    ``interruption``, for the business-interruption guarantee, adds its loss to the costs and its
    explanation before the guarantee's own.
    """
    amounts = [_check_amount(cost, "cost") for cost in costs]
    lines = list(interruption.lines) if interruption is not None else []
    if interruption is not None:
        amounts.append(interruption.loss)
    claimed = sum(amounts, ZERO)
    lines.append(ExplanationLine("claimed", {"amount": claimed}))

    deductible, deductible_line = terms._deductible(claimed)
    after_deductible = max(claimed - deductible, ZERO)
    lines.append(deductible_line)
    if deductible:
        lines.append(ExplanationLine("after_deductible", {"amount": after_deductible}))

    cap = terms.cap
    if cap is None:
        payable = after_deductible
        lines.append(ExplanationLine("no_limit"))
    else:
        payable = min(after_deductible, cap)
        by_sublimit = terms.sublimit is not None and terms.sublimit == cap
        if after_deductible > cap:
            lines.append(ExplanationLine("sublimit" if by_sublimit else "limit", {"cap": cap}))
        else:
            code = "within_sublimit" if by_sublimit else "within_limit"
            lines.append(ExplanationLine(code, {"cap": cap}))
    lines.append(ExplanationLine("payable", {"amount": payable}))
    return GuaranteeEstimate(
        kind=terms.kind,
        claimed=claimed,
        deductible=deductible,
        after_deductible=after_deductible,
        cap=cap,
        payable=payable,
        lines=lines,
    )


# --- business interruption ----------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessInterruptionEstimate:
    """The business-interruption loss of an interruption, ongoing or over.

    Hours are exact ``Decimal`` (elapsed clock time); ``waiting_hours`` is the contractual
    waiting period; ``loss`` = ``lost_margin`` + ``extra_costs``, before the guarantee's
    deductible and limit (pass the estimate to :func:`estimate_guarantee` for those).
    """

    interruption_hours: Decimal
    waiting_hours: Decimal
    indemnified_hours: Decimal
    hourly_margin: Decimal
    lost_margin: Decimal
    extra_costs: Decimal
    loss: Decimal
    ongoing: bool
    lines: list[ExplanationLine]

    def explain(self, lang: str) -> list[str]:
        return explain(self.lines, lang)


def business_interruption_loss(
    start: datetime,
    end: datetime | None,
    now: datetime,
    *,
    hourly_margin: Decimal | None = None,
    annual_margin: Decimal | None = None,
    operating_hours_per_year: Decimal | None = None,
    waiting_period_hours: int,
    waiting_mode: str,
    indemnity_period_days: int | None,
    extra_costs: Decimal = ZERO,
) -> BusinessInterruptionEstimate:
    """The lost gross margin of an interruption of the IT system, plus extra costs.

    - The interruption runs from ``start`` to ``end``, or to ``now`` while it is ongoing
      (``end`` is ``None``), so the estimate grows until the system is back.  Datetimes must be
      aware; hours are elapsed clock time (computed in UTC, so a change to or from summer time
      does not add or lose an hour).
    - The hourly gross margin is ``hourly_margin``, or ``annual_margin`` divided by
      ``operating_hours_per_year``; give one or the other.
    - ``waiting_mode`` "beyond": only the hours beyond ``waiting_period_hours`` are paid.
      "first_hour": once the interruption exceeds the waiting period (strictly), every hour from
      the first is paid; none while it does not.
    - ``indemnity_period_days`` limits the paid hours to those falling within that many days
      from the start of the interruption.
    - ``extra_costs`` (frais supplémentaires d'exploitation) are added as they are; neither the
      waiting period nor the indemnity period applies to them.

    Raises ``ValueError`` for naive datetimes, an end (or, while ongoing, now) before the start,
    a negative margin or cost, a missing or doubly given margin, or an unknown waiting mode.
    """
    for name, moment in (("start", start), ("end", end), ("now", now)):
        if moment is not None and moment.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime (with a time zone).")
    _check_waiting(waiting_period_hours, waiting_mode)
    _check_indemnity_period(indemnity_period_days)
    extra_costs = _check_amount(extra_costs, "extra_costs")

    ongoing = end is None
    until = now if ongoing else end
    if until < start:
        raise ValueError(
            "The interruption cannot start after the current time."
            if ongoing
            else "The end of the interruption is before its start."
        )
    hours = _hours(until - start)
    lines = [
        ExplanationLine("interruption_ongoing" if ongoing else "interruption", {"hours": hours})
    ]

    hourly, margin_line = _hourly_margin(hourly_margin, annual_margin, operating_hours_per_year)
    lines.append(margin_line)

    waiting = Decimal(waiting_period_hours)
    period = (
        None if indemnity_period_days is None else Decimal(indemnity_period_days * HOURS_PER_DAY)
    )
    if waiting_mode == "beyond":
        paid = max(hours - waiting, ZERO)
        within_period = None if period is None else max(period - waiting, ZERO)
    else:
        paid = hours if hours > waiting else ZERO
        within_period = period
    if not waiting:
        lines.append(ExplanationLine("no_waiting_period", {"hours": paid}))
    elif hours <= waiting:
        lines.append(ExplanationLine("waiting_period_not_exceeded", {"waiting_hours": waiting}))
    else:
        code = "waiting_period" if waiting_mode == "beyond" else "waiting_period_first_hour"
        lines.append(ExplanationLine(code, {"waiting_hours": waiting, "hours": paid}))
    if within_period is not None and paid > within_period:
        paid = within_period
        values = {"days": indemnity_period_days, "hours": paid}
        lines.append(ExplanationLine("indemnity_period", values))

    lost_margin = paid * hourly
    loss = lost_margin + extra_costs
    lines.append(
        ExplanationLine("lost_margin", {"hours": paid, "hourly": hourly, "amount": lost_margin})
    )
    if extra_costs:
        lines.append(ExplanationLine("extra_costs", {"amount": extra_costs}))
    lines.append(ExplanationLine("business_interruption_loss", {"amount": loss}))
    return BusinessInterruptionEstimate(
        interruption_hours=hours,
        waiting_hours=waiting,
        indemnified_hours=paid,
        hourly_margin=hourly,
        lost_margin=lost_margin,
        extra_costs=extra_costs,
        loss=loss,
        ongoing=ongoing,
        lines=lines,
    )


def _hours(elapsed: timedelta) -> Decimal:
    # Exact: whole seconds and microseconds as integers, divided once.
    seconds = Decimal(elapsed.days * 86_400 + elapsed.seconds)
    return (seconds + Decimal(elapsed.microseconds) / 1_000_000) / SECONDS_PER_HOUR


def _hourly_margin(
    hourly: Decimal | None, annual: Decimal | None, operating_hours: Decimal | None
) -> tuple[Decimal, ExplanationLine]:
    if hourly is not None:
        if annual is not None:
            raise ValueError("Give either the hourly or the annual gross margin, not both.")
        hourly = _check_amount(hourly, "hourly_margin")
        return hourly, ExplanationLine("hourly_margin", {"amount": hourly})
    if annual is None:
        raise ValueError("Give the hourly gross margin, or the annual one and the operating hours.")
    annual = _check_amount(annual, "annual_margin")
    if operating_hours is None or _check_amount(operating_hours, "operating_hours_per_year") <= 0:
        raise ValueError("An annual gross margin needs a positive number of operating hours.")
    hourly = annual / Decimal(operating_hours)
    values = {"annual": annual, "operating_hours": operating_hours, "amount": hourly}
    return hourly, ExplanationLine("hourly_margin_from_annual", values)


# --- the policy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyEstimate:
    """The guarantees' estimates after the overall policy limit, and their totals."""

    guarantees: list[GuaranteeEstimate]
    overall_limit: Decimal | None
    total_claimed: Decimal
    total_payable: Decimal
    lines: list[ExplanationLine]

    @property
    def cut(self) -> list[GuaranteeEstimate]:
        """The guarantees whose indemnity the overall limit reduced."""
        return [estimate for estimate in self.guarantees if estimate.was_cut]

    def explain(self, lang: str) -> list[str]:
        return explain(self.lines, lang)


def estimate_policy(
    estimates: Sequence[GuaranteeEstimate], overall_limit: Decimal | None
) -> PolicyEstimate:
    """Apply the overall policy limit ("plafond global par sinistre") across guarantees.

    Convention: first come, first served.  The limit is consumed in the order the estimates are
    given, as an insurer pays claims as they arrive: each guarantee receives what it is owed up
    to what is left of the limit, so the last ones are cut, possibly to zero, once the limit is
    exhausted.  There is no pro-rata scaling.  Callers pass the estimates in the order the costs
    were incurred, or in the order of ``coverage.triggers.GUARANTEE_KINDS`` when that is unknown.
    Each reduced estimate is returned with ``cut_by_policy_limit`` set and a "policy_limit" line.
    """
    if overall_limit is not None:
        _check_amount(overall_limit, "overall_limit")
    remaining = overall_limit
    guarantees: list[GuaranteeEstimate] = []
    lines: list[ExplanationLine] = []
    for estimate in estimates:
        if remaining is None or estimate.payable <= remaining:
            granted = estimate
        else:
            values = {"limit": overall_limit, "kind": estimate.kind}
            values |= {"before": estimate.payable, "amount": remaining}
            line = ExplanationLine("policy_limit", values)
            granted = replace(
                estimate,
                payable=remaining,
                cut_by_policy_limit=estimate.payable - remaining,
                lines=[*estimate.lines, line],
            )
            lines.append(line)
        if remaining is not None:
            remaining -= granted.payable
        guarantees.append(granted)

    total_claimed = sum((estimate.claimed for estimate in guarantees), ZERO)
    total_payable = sum((estimate.payable for estimate in guarantees), ZERO)
    if overall_limit is None:
        lines.append(ExplanationLine("no_policy_limit"))
    elif not lines:
        values = {"limit": overall_limit, "remaining": remaining}
        lines.append(ExplanationLine("within_policy_limit", values))
    lines.append(
        ExplanationLine("policy_total", {"amount": total_payable, "claimed": total_claimed})
    )
    return PolicyEstimate(
        guarantees=guarantees,
        overall_limit=overall_limit,
        total_claimed=total_claimed,
        total_payable=total_payable,
        lines=lines,
    )


# --- checks -------------------------------------------------------------------------------------


def _check_amount(value: Decimal | int, name: str) -> Decimal:
    # Money is never a float: 0.1 + 0.2 is not 0.3.
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}.")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite amount, got {value}.")
    if value < 0:
        raise ValueError(f"{name} cannot be negative, got {value}.")
    return value


def _check_waiting(hours: int, mode: str) -> None:
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 0:
        raise ValueError(
            f"waiting_period_hours must be a whole number of hours ≥ 0, got {hours!r}."
        )
    if mode not in WAITING_MODES:
        raise ValueError(f"waiting_mode must be one of {WAITING_MODES}, got {mode!r}.")


def _check_indemnity_period(days: int | None) -> None:
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        raise ValueError(f"indemnity_period_days must be a whole number ≥ 0, got {days!r}.")
