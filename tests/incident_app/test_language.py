"""The language a user picks: kept on their account for reminders, brought back at sign-in."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def switch(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_it_keeps_the_language_a_signed_in_user_picks(client_for, manager):
    response = switch(client_for(manager), "en", reverse("company_home"))
    assert response.status_code == 302
    assert response.url == reverse("company_home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    manager.refresh_from_db()
    assert manager.language == "en"


def test_it_keeps_nothing_for_an_unknown_language(client_for, manager):
    switch(client_for(manager), "de")
    manager.refresh_from_db()
    assert manager.language == "fr"


def test_it_changes_nothing_on_a_get(client_for, manager):
    client_for(manager).get(reverse("set_language"), {"language": "en", "next": "/"})
    manager.refresh_from_db()
    assert manager.language == "fr"


def test_it_lets_an_anonymous_visitor_switch(client):
    response = switch(client, "en", reverse("login"))
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("login")).text


def test_it_brings_back_the_users_language_at_sign_in(client, manager):
    manager.language = "en"
    manager.save(update_fields=["language"])
    response = client.post(
        reverse("login"),
        {"username": manager.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("company_home")
    assert '<html lang="en">' in response.text


def test_it_prefers_a_chosen_language_to_a_cookie_left_on_the_device(client, manager):
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(
        reverse("login"), {"username": manager.email, "password": PASSWORD}, follow=True
    )
    assert '<html lang="en">' in response.text


def test_it_lets_an_account_that_never_chose_follow_the_browser(client, manager):
    # French is everyone's until they choose: it does not override an English browser.
    assert manager.language == settings.LANGUAGE_CODE
    response = client.post(
        reverse("login"),
        {"username": manager.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
        follow=True,
    )
    assert '<html lang="en">' in response.text
