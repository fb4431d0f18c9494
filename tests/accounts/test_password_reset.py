"""Password reset: the same answer and the same work for known and unknown addresses, the
e-mail sent by the worker, and limits."""

import statistics
import time

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tasks import send_password_reset

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The addresses handed to the worker, in order."""
    sent = []
    monkeypatch.setattr(send_password_reset, "delay", lambda *args: sent.append(args))
    return sent


def ask(client, email, address="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_it_answers_the_same_for_a_known_and_an_unknown_address(
    client, manager, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask(client, manager.email)
        unknown = ask(client, "nobody@lefevre.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert queued == [(manager.email, "fr"), ("nobody@lefevre.example", "fr")]
    assert mail.outbox == []


def test_it_does_the_same_work_in_the_request_for_both(
    client, manager, queued, django_assert_num_queries
):
    # Not a single look at the accounts: whether one exists is found out in the worker.
    with django_assert_num_queries(0):
        ask(client, manager.email)
    with django_assert_num_queries(0):
        ask(client, "nobody@lefevre.example")


def test_it_answers_in_the_same_time_when_the_mail_server_is_slow(
    client, manager, queued, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    monkeypatch.setattr(
        EmailBackend, "send_messages", lambda self, m: time.sleep(0.2) or original(self, m)
    )

    def timed(email):
        started = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            ask(client, email, address=email)
        return time.perf_counter() - started

    known = statistics.median(timed(manager.email) for _ in range(3))
    unknown = statistics.median(timed("nobody@lefevre.example") for _ in range(3))
    # Sending in the request would add the mail server's 200 ms to the known address.
    assert abs(known - unknown) < 0.1


def test_it_sends_the_link_from_the_worker_in_the_users_language(client, manager, settings):
    settings.RIPOSTE_SITE_URL = settings.SITE_URL = "https://riposte.example"
    send_password_reset("MANAGER@lefevre.example", "en")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    assert "https://riposte.example/compte/reset/" in mail.outbox[0].body
    assert "choose a new password" in mail.outbox[0].subject.lower()


def test_it_sends_nothing_for_an_unknown_address(db):
    send_password_reset("nobody@lefevre.example", "fr")
    assert mail.outbox == []


def test_it_limits_requests_from_one_address_and_says_so(client, queued, settings):
    settings.RIPOSTE_PASSWORD_RESET_PER_ADDRESS = 2
    settings.RIPOSTE_PASSWORD_RESET_PER_EMAIL = 100
    for index in range(2):
        assert ask(client, f"person{index}@lefevre.example").status_code == 302
    response = ask(client, "person9@lefevre.example")
    assert response.status_code == 429
    assert "Trop de demandes depuis cette adresse" in response.text
    assert ask(client, "person9@lefevre.example", address="192.0.2.1").status_code == 302


def test_it_limits_links_to_one_address_without_saying_so(
    client, manager, queued, settings, django_capture_on_commit_callbacks
):
    settings.RIPOSTE_PASSWORD_RESET_PER_EMAIL = 2
    with django_capture_on_commit_callbacks(execute=True):
        responses = [ask(client, manager.email, address=f"198.51.100.{i}") for i in range(4)]
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}
    assert len(queued) == 2


def test_it_still_refuses_an_invalid_address(client, queued):
    response = ask(client, "pas une adresse")
    assert response.status_code == 200
    assert queued == []
