"""Every page of the site, by the package that serves it; URL names are global."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    # First: it replaces django.contrib.auth's password reset, included by incident_app.
    path("", include("accounts.urls")),
    path("", include("incident_app.urls")),
    path("", include("coverage.urls")),
    path("", include("documents.urls")),
    path("", include("preparedness.urls")),
    path("", include("broker.urls")),
    path("", include("insurer.urls")),
    path("", include("api.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
