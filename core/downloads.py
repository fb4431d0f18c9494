"""Serving private files (evidence, invoices, dossiers) once visibility has been checked."""

from django.http import FileResponse, Http404


def private_attachment(field_file, filename: str, content_type: str) -> FileResponse:
    """The file as an attachment: never rendered by the browser, never cached on the way."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
