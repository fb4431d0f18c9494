"""The claim dossier as an archive: tagged, PDF/A-3b, its evidence inventory embedded as CSV,
identifiers and receipt numbers never broken inside."""

import csv
import io

from pypdf import PdfReader

from .dossier_fixtures import COMPLAINT_RECEIPT, pdf_bytes


def test_it_is_a_tagged_pdf_a_3b(ready_dossier):
    reader = PdfReader(io.BytesIO(pdf_bytes(ready_dossier)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert "/OutputIntents" in root
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode()
    assert 'pdfaid:part="3"' in raw and 'pdfaid:conformance="B"' in raw


def test_it_embeds_the_evidence_inventory_as_csv(ready_dossier, eventful_incident):
    reader = PdfReader(io.BytesIO(pdf_bytes(ready_dossier)))
    (content,) = reader.attachments["evidence-inventory.csv"]
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    evidence = list(eventful_incident.evidence.order_by("uploaded_at", "pk"))
    assert [row["sha256"] for row in rows] == [item.sha256 for item in evidence]
    # A withdrawn piece is listed, and says so.
    assert {row["withdrawn"] for row in rows} == {"yes", "no"}


def test_it_keeps_hashes_and_receipt_numbers_whole_on_one_line(ready_dossier, eventful_incident):
    reader = PdfReader(io.BytesIO(pdf_bytes(ready_dossier)))
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    for item in eventful_incident.evidence.all():
        assert any(item.sha256 in line for line in lines), item.original_name
    assert any(COMPLAINT_RECEIPT in line for line in lines)
    assert any(eventful_incident.reference in line for line in lines)


def test_it_never_splits_a_table_header_inside_a_word(ready_dossier):
    reader = PdfReader(io.BytesIO(pdf_bytes(ready_dossier)))
    words = {word for page in reader.pages for word in page.extract_text().split()}
    for header in ("d'indemnisation", "Franchise", "Échéance", "Fournisseur", "Verdict"):
        assert header in words, header
