"""The evidence inventory as CSV: every file with its SHA-256, spreadsheet formulas defused."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from documents.services.inventory import evidence_csv
from incident_app.services.evidence import add_evidence


def test_it_lists_every_file_and_defuses_formulas(incident, manager):
    item = add_evidence(
        incident,
        SimpleUploadedFile("=HYPERLINK(evil).txt", b"note"),
        user=manager,
        description="+cmd|' /C calc'!A0",
    )
    rows = list(csv.DictReader(io.StringIO(evidence_csv(incident).decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["sha256"] == item.sha256
    assert rows[0]["file"].startswith("'=")
    assert rows[0]["description"].startswith("'+")
    assert rows[0]["withdrawn"] == "no"
