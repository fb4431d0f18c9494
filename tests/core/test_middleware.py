"""Private pages are never cached; an oversized body is refused before it is read."""

import pytest
from django.urls import reverse

from incident_app.models import Evidence

pytestmark = pytest.mark.django_db


def test_it_keeps_signed_in_pages_out_of_every_cache(client_for, manager, incident):
    client = client_for(manager)
    for url in (reverse("company_home"), reverse("incident_detail", args=[incident.reference])):
        assert client.get(url)["Cache-Control"] == "private, no-store"
        assert client.get(url, HTTP_HX_REQUEST="true")["Cache-Control"] == "private, no-store"


def test_it_leaves_what_a_calendar_app_fetches_without_a_session_alone(client, manager):
    from incident_app.services import ical

    url = reverse("calendar_feed", args=[ical.regenerate(manager)])
    assert client.get(url)["Cache-Control"] == "private, max-age=300"


class Unreadable:
    """A body that must not be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_it_refuses_an_oversized_body_before_reading_it(settings, client_for, manager, incident):
    settings.RIPOSTE_MAX_REQUEST_BYTES = 1000
    url = reverse("evidence_upload", args=[incident.reference])
    response = client_for(manager).generic(
        "POST",
        url,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="5000000000",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.text
    assert not Evidence.objects.exists()


def test_it_accepts_a_body_within_the_limit(settings, client_for, manager, incident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.RIPOSTE_MAX_REQUEST_BYTES = 100_000
    url = reverse("evidence_upload", args=[incident.reference])
    response = client_for(manager).post(url, {"files": SimpleUploadedFile("a.txt", b"abc")})
    assert response.status_code == 302
    assert Evidence.objects.count() == 1
