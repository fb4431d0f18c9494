"""Rendering a paper in the worker: one version per request, claimed once, hashed, journaled;
stuck renderings sent again by the sweep, given up after repeated deaths."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from documents import tasks
from documents.models import RenderedDocument
from documents.services import rendering
from documents.services.rendering import Target
from incident_app.models import JournalEntry


def test_it_adds_one_pending_version_and_sends_the_task_once(
    company, policy, manager, papers_sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, created = rendering.request_document("reflex_sheet", Target(company), manager)
        again, created_again = rendering.request_document("reflex_sheet", Target(company), manager)
    assert created and not created_again
    assert again.pk == first.pk
    assert first.status == RenderedDocument.Status.PENDING and first.version == 1
    assert papers_sent == [first.pk]


def test_it_renders_stores_and_hashes_the_pdf(company, policy, manager, papers_sent):
    document, _ = rendering.request_document("reflex_sheet", Target(company), manager, lang="en")
    done = rendering.render_document(document.pk)
    assert done.status == RenderedDocument.Status.READY and done.progress == 100
    with done.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert done.sha256 == hashlib.sha256(data).hexdigest()
    assert done.filename == f"fiche-reflexe-{company.pk}-v1-en.pdf"
    # A second run finds nothing to do.
    assert rendering.render_document(document.pk) is None
    # The next request is the next version.
    following, created = rendering.request_document("reflex_sheet", Target(company), manager)
    assert created and following.version == 2


def test_it_journals_the_hash_of_a_paper_about_an_incident(incident, manager, papers_sent):
    document, _ = rendering.request_document(
        "complaint", Target(incident.company, incident), manager
    )
    done = rendering.render_document(document.pk)
    entry = incident.journal.order_by("-seq").first()
    assert entry.kind == JournalEntry.Kind.DOCUMENT_GENERATED
    assert entry.data["sha256"] == done.sha256 and entry.data["kind"] == "complaint"


def test_it_records_a_failure_and_keeps_no_file(
    company, policy, manager, papers_sent, monkeypatch, private_storage
):
    def broken(*args, **kwargs):
        raise ValueError("the PDF engine choked")

    monkeypatch.setattr("documents.services.pdf.write_pdf", broken)
    document, _ = rendering.request_document("reflex_sheet", Target(company), manager)
    assert tasks.render_document.run(document.pk) is False
    document.refresh_from_db()
    assert document.status == RenderedDocument.Status.FAILED
    assert "choked" in document.error
    assert not list(private_storage.glob("documents/**/*.pdf"))


def test_the_sweep_sends_a_stuck_rendering_again_and_gives_up_in_the_end(
    company, policy, manager, papers_sent
):
    document, _ = rendering.request_document("reflex_sheet", Target(company), manager)
    later = timezone.now() + timedelta(minutes=5)
    assert rendering.resume_stuck(later) == 1
    assert papers_sent[-1] == document.pk
    RenderedDocument.objects.filter(pk=document.pk).update(
        status=RenderedDocument.Status.RENDERING,
        started_at=timezone.now() - timedelta(hours=1),
        attempts=rendering.MAX_ATTEMPTS,
    )
    assert rendering.resume_stuck() == 0
    document.refresh_from_db()
    assert document.status == RenderedDocument.Status.FAILED
