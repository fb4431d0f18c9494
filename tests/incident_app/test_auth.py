import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_an_email_address(client, manager):
    response = client.post(
        reverse("login"), {"username": "MANAGER@lefevre.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("company_home")).status_code == 200


def test_it_refuses_a_wrong_password_with_a_clear_message(client, manager):
    response = client.post(reverse("login"), {"username": manager.email, "password": "nope"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.text
    assert "_auth_user_id" not in client.session


def test_it_signs_out(client_for, manager):
    client = client_for(manager)
    client.post(reverse("logout"))
    assert client.get(reverse("company_home")).status_code == 302


def test_it_sends_a_password_reset_link(client, manager, django_capture_on_commit_callbacks):
    from riposte.celery import app

    # The worker sends the e-mail; here it runs in the test, once the request is over.
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": manager.email})
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert manager.email in mail.outbox[0].to
    link = next(line for line in mail.outbox[0].body.splitlines() if "/compte/reset/" in line)
    page = client.get(link.strip(), follow=True)
    assert "Nouveau mot de passe" in page.text
