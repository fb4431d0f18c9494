"""The PDF renderer reads the application's static files and nothing else."""

import io

import pytest
from pypdf import PdfReader

from documents.services.dossier import STATIC_ORIGIN
from documents.services.pdf import StaticFilesFetcher, write_pdf

from .dossier_fixtures import pdf_text


@pytest.fixture
def fetcher():
    return StaticFilesFetcher(STATIC_ORIGIN, "/static/")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:8000/static/css/dossier.css",
        "https://example.com/static/css/dossier.css",
        "http://riposte.invalid/static/css/dossier.css",
        "data:text/css,body{color:red}",
        "ftp://example.com/x",
        f"{STATIC_ORIGIN}/static/../../../etc/passwd",
        f"{STATIC_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        f"{STATIC_ORIGIN}/static/css/dossier.css?x=1",
        f"{STATIC_ORIGIN}/private/dossiers/x.pdf",
    ],
)
def test_it_refuses_anything_but_static_files(fetcher, url):
    with pytest.raises(ValueError, match="Refused"):
        fetcher.fetch(url)


def test_it_serves_static_files_from_disk(fetcher):
    response = fetcher.fetch(f"{STATIC_ORIGIN}/static/css/dossier.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_it_answers_missing_static_files_with_an_error(fetcher):
    with pytest.raises(FileNotFoundError):
        fetcher.fetch(f"{STATIC_ORIGIN}/static/css/nothing-here.css")


def test_it_leaves_out_what_a_document_points_at_outside(tmp_path):
    # A stylesheet on disk that would print a marker if the renderer read it.
    leak = tmp_path / "leak.css"
    leak.write_text('body::after { content: "LEAKED"; }')
    html = (
        f'<link rel="stylesheet" href="file://{leak}">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/leak.css">'
        f'<link rel="stylesheet" href="{STATIC_ORIGIN}/static/css/dossier.css">'
        f'<img src="file:///etc/passwd" alt="">'
        "<p>Contenu</p>"
    )
    data = write_pdf(html, STATIC_ORIGIN)
    text = pdf_text(data)
    assert "Contenu" in text
    assert "LEAKED" not in text
    # The dossier's own stylesheet was applied: A4 pages.
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert round(float(page.mediabox.width)) == 595
