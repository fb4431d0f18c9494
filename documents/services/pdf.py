"""HTML to PDF with WeasyPrint, reading nothing but the application's static files."""

import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

import weasyprint
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint reports each layout pass at INFO: a dozen lines per dossier in the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class StaticFilesFetcher(URLFetcher):
    """Serves the application's static files from disk and refuses everything else.

    A PDF is built from what users typed: a file name or a journal note must never make the
    renderer read a local file (``file:///etc/passwd``), call a server on the network (SSRF),
    follow a redirect or decode a ``data:`` URL.  Only ``<origin>/static/<path>`` is
    answered (``prefix`` is the path of ``STATIC_URL``), from the files
    ``django.contrib.staticfiles`` finds; ``origin`` is a name that never resolves, so nothing
    under it could reach the network anyway.
    """

    def __init__(self, origin: str, prefix: str = "/static/", **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("allowed_protocols", ())
        super().__init__(**kwargs)
        self.origin = urlsplit(origin)
        self.prefix = prefix

    def fetch(self, url, headers=None):
        path = self.static_file(url)
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def static_file(self, url: str) -> str:
        """The path on disk of the static file ``url`` names; ``ValueError`` if refused."""
        refused = ValueError(f"Refused: {url[:200]}")
        parts = urlsplit(url)
        prefix = self.prefix
        if (
            parts.scheme.lower() != self.origin.scheme
            or parts.netloc.lower() != self.origin.netloc
            or parts.query
            or not parts.path.startswith(prefix)
        ):
            raise refused
        relative = unquote(parts.path[len(prefix) :])
        normalised = posixpath.normpath(relative)
        if (
            not relative
            or normalised.startswith(("..", "/"))
            or "\\" in relative
            or "\x00" in relative
        ):
            raise refused
        try:
            found = finders.find(normalised)
        except SuspiciousFileOperation as error:
            raise refused from error
        if not found:
            raise FileNotFoundError(f"No static file {normalised}")
        return found


# Archival PDF/A-3b: fonts embedded, an sRGB output intent, XMP metadata; unlike PDF/A-2 it
# may carry attachments of any type (the evidence inventory as CSV).
ARCHIVAL_VARIANT = "pdf/a-3b"


def write_pdf(
    html: str,
    origin: str,
    prefix: str = "/static/",
    *,
    archival: bool = True,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> bytes:
    """The PDF of ``html``, whose static files are addressed as ``origin + prefix + path``.

    The PDF is tagged (headings, tables and lists readable by a screen reader) and, when
    ``archival``, PDF/A-3b.  ``attachments`` are ``(file name, content, description)``
    embedded in the file, e.g. a CSV a spreadsheet opens.
    """
    fetcher = StaticFilesFetcher(origin, prefix)
    document = weasyprint.HTML(string=html, base_url=origin + "/", url_fetcher=fetcher)
    files = [
        weasyprint.Attachment(
            string=content,
            name=name,
            description=description,
            relationship="Data",
            url_fetcher=fetcher,
        )
        for name, content, description in attachments
    ]
    return document.write_pdf(
        pdf_variant=ARCHIVAL_VARIANT if archival else None,
        pdf_tags=True,
        attachments=files or None,
    )
