"""Request-wide protections: oversized bodies refused unread, private pages never cached,
refused accesses to an incident written to the security log."""

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import security


class RequestSizeLimitMiddleware:
    """Refuse a body larger than ``RIPOSTE_MAX_REQUEST_BYTES`` from its announced length,
    before anything reads it (the CSRF check, the upload handlers): a client cannot make the
    server spool gigabytes to disk only to be told the file is too big."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.RIPOSTE_MAX_REQUEST_BYTES
        if length > limit:
            message = _(
                "Envoi trop volumineux : %(limit)s au plus à la fois. Envoyez les fichiers en "
                "plusieurs fois."
            ) % {"limit": filesizeformat(limit)}
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            # The body was not read: the connection cannot carry another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PrivatePagesMiddleware:
    """A signed-in person's pages are theirs: no browser, proxy or back button keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


class RefusedAccessMiddleware:
    """A 404 on a URL that names an incident is what a refused access looks like (``access``
    answers 404 rather than 403): the security log keeps who tried what."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.status_code == 404 and match is not None and "reference" in match.kwargs:
            security.record(
                security.Kind.REFUSED,
                request,
                target=match.kwargs["reference"],
                view=match.view_name,
                method=request.method,
            )
        return response
