"""Error pages speak French, say what happened, and lead back to the home page."""

import pytest
from django.test import Client
from django.urls import reverse

HOME_LINK = f'class="button primary huge" href="{reverse("home")}"'


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_it_answers_an_unknown_incident_with_the_french_not_found_page(client_for, manager):
    response = client_for(manager).get(reverse("incident_detail", args=["INC-0000-XXXX"]))
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert "votre compte n'y a pas accès" in response.text
    assert HOME_LINK in response.text


@pytest.mark.django_db
def test_it_answers_an_unknown_step_with_the_same_page(client_for, manager, incident):
    response = client_for(manager).get(
        reverse("step_detail", args=[incident.reference, "no-such-step"])
    )
    assert response.status_code == 404
    assert "Page introuvable" in response.text


@pytest.mark.django_db
def test_it_tells_that_the_page_expired_when_the_form_token_is_missing(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(reverse("incident_declare"), {"kinds": ["ransomware"]})
    assert response.status_code == 403
    assert "Page expirée" in response.text
    assert "rechargez-la, puis recommencez" in response.text
    assert HOME_LINK in response.text


@pytest.mark.urls("tests.incident_app.error_urls")
def test_it_renders_the_server_error_page_without_context():
    response = Client(raise_request_exception=False).get("/test-errors/500/")
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.text
    assert "appelez l'assistance de votre assurance cyber" in response.text
    assert 'href="/static/css/riposte.css"' in response.text
    assert 'class="button primary huge" href="/"' in response.text


@pytest.mark.urls("tests.incident_app.error_urls")
def test_it_renders_the_forbidden_page():
    response = Client().get("/test-errors/403/")
    assert response.status_code == 403
    assert "Action non autorisée" in response.text
    assert HOME_LINK in response.text


@pytest.mark.urls("tests.incident_app.error_urls")
def test_it_renders_the_bad_request_page():
    response = Client().get("/test-errors/400/")
    assert response.status_code == 400
    assert "Demande incorrecte" in response.text
    assert HOME_LINK in response.text
