"""Charts drawn on the server as SVG: no script, readable in print, a data table beside each.

Functions return the geometry; the templates (``insurer/_charts.html``) draw it, so the same
charts appear on the page and in the PDF report.
"""

from dataclasses import dataclass

from django.utils.formats import date_format


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


def rate_bars(rows, width: int = 640, row_height: int = 28, label_width: int = 230) -> dict:
    """Horizontal bars of the on-time rate of each deadline kind (0 to 100 %)."""
    plot = width - label_width - 60
    bars = []
    for index, row in enumerate(rows):
        rate = row.on_time_rate
        length = plot * (rate or 0) / 100
        y = 10 + index * row_height
        bars.append(
            Bar(
                label=row.title,
                value=rate,
                x=label_width,
                y=y,
                width=round(length, 1),
                height=row_height - 8,
                text_x=round(label_width + length + 6, 1),
                text_y=y + row_height / 2,
            )
        )
    return {
        "width": width,
        "height": 20 + len(rows) * row_height,
        "label_x": label_width - 8,
        "axis_x": label_width,
        "bars": bars,
    }


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    segments: list  # (css class, y, height, value)
    text_y: float


def month_columns(months, width: int = 640, height: int = 220) -> dict:
    """Stacked columns per month: deadlines kept, missed and passed without the step."""
    bottom = height - 30
    top = 10
    tallest = max((m.decided for m in months), default=0) or 1
    slot = (width - 40) / max(len(months), 1)
    columns = []
    for index, month in enumerate(months):
        x = 30 + index * slot + slot * 0.15
        y = bottom
        segments = []
        for css, value in (
            ("on-time", month.on_time),
            ("late", month.late),
            ("overdue", month.overdue),
        ):
            h = (bottom - top) * value / tallest
            y -= h
            segments.append((css, round(y, 1), round(h, 1), value))
        columns.append(
            Column(
                label=date_format(month.month, "M Y"),
                x=round(x, 1),
                width=round(slot * 0.7, 1),
                segments=segments,
                text_y=height - 12,
            )
        )
    return {"width": width, "height": height, "bottom": bottom, "columns": columns, "max": tallest}
