"""The evidence inventory as CSV, embedded in the PDFs that list it.

A spreadsheet opens it as it is, so that an expert can check each file's SHA-256 against
the files handed over without retyping 64 characters from paper.
"""

import csv
import io

from incident_app.models import Evidence, Incident

COLUMNS = [
    "number",
    "file",
    "description",
    "size_bytes",
    "sha256",
    "content_type",
    "uploaded_at_utc",
    "uploaded_by",
    "withdrawn",
    "withdrawn_reason",
]
FILENAME = "evidence-inventory.csv"


def _cell(value) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def evidence_csv(incident: Incident) -> bytes:
    """Every piece of evidence of the incident, withdrawn ones included (and said so)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    items = (
        Evidence.objects.filter(incident=incident)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    for number, item in enumerate(items, start=1):
        writer.writerow(
            [
                number,
                _cell(item.original_name),
                _cell(item.description),
                item.size,
                item.sha256,
                _cell(item.content_type),
                item.uploaded_at.isoformat(),
                _cell(item.uploaded_by.display_name if item.uploaded_by_id else ""),
                "yes" if item.is_withdrawn else "no",
                _cell(item.withdrawn_reason),
            ]
        )
    # A byte-order mark, so that spreadsheet programs read the accents as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def attachment(incident: Incident) -> tuple[str, bytes, str]:
    return (FILENAME, evidence_csv(incident), "Evidence inventory (SHA-256)")
