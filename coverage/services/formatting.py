"""How the coverage data reads in JSON and in the journal: amounts, moments, the interruption."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..indemnity import CENT
from ..models import BusinessInterruption


def json_decimal(value: Decimal | None) -> str | None:
    """Money, hours or percentages for JSON: a string rounded half-up to two places,
    "1234.50"."""
    if value is None:
        return None
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):f}"


def json_moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def interruption_data(record: BusinessInterruption) -> dict[str, Any]:
    return {
        "started_at": record.started_at.isoformat(),
        "ended_at": json_moment(record.ended_at),
        "hourly_margin": json_decimal(record.hourly_margin),
        "annual_margin": json_decimal(record.annual_margin),
        "operating_hours_per_year": record.operating_hours_per_year,
        "extra_costs": json_decimal(record.extra_costs),
    }
