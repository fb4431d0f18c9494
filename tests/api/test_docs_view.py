"""The API's documentation page."""

from django.urls import reverse


def test_it_shows_the_api_documentation_to_anyone_signed_in(client_for, manager, client):
    text = client_for(manager).get(reverse("api_docs")).text
    assert "Riposte-Signature" in text
    assert "/api/v1/openapi.json" in text
    client.logout()
    assert client.get(reverse("api_docs")).status_code == 302
