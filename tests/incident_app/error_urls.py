"""The project's URLs plus views that fail, to render the error pages in tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path

from riposte.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


def bad_request(request):
    raise BadRequest


urlpatterns = [
    path("test-errors/500/", broken),
    path("test-errors/403/", forbidden),
    path("test-errors/400/", bad_request),
    *project_urlpatterns,
]
