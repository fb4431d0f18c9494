"""The bell, the notifications page, marking read, and the e-mail preferences page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from incident_app.models import Membership, Notification, ReminderPreference
from incident_app.services.sweep import run_sweep

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def notified(incident, manager):
    """The manager's in-app notifications of the T-24 h reminders (complaint, CNIL)."""
    complaint = incident.steps.get(key="complaint")
    run_sweep(now=complaint.due_at - timedelta(minutes=1439))
    return Notification.objects.filter(user=manager, channel="in_app").order_by("pk")


def test_it_shows_the_unread_count_in_the_bell_of_every_page(client_for, manager, notified):
    response = client_for(manager).get(reverse("home"), follow=True)
    html = response.content.decode()
    assert 'id="notification-bell"' in html
    assert 'hx-trigger="every 30s' in html
    assert "Notifications : 2 non lues" in html


def test_it_serves_the_bell_alone_to_htmx(client_for, manager, notified):
    response = client_for(manager).get(reverse("notification_bell"), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<a id="notification-bell"')
    assert "<html" not in html
    assert "2 non lues" in html


def test_it_lists_the_user_s_notifications_with_links_to_the_incident(
    client_for, manager, incident, notified
):
    response = client_for(manager).get(reverse("notifications"))
    html = response.content.decode()
    assert response.status_code == 200
    for notification in notified:
        assert notification.subject in html
    assert f'href="/incidents/{incident.reference}/"' in html
    assert "Tout marquer comme lu" in html


def test_it_hides_other_people_s_notifications(client_for, outsider, notified):
    response = client_for(outsider).get(reverse("notifications"))
    assert notified[0].subject not in response.content.decode()
    assert "Aucune notification" in response.content.decode()


def test_it_marks_one_notification_read(client_for, manager, notified):
    first = notified[0]
    response = client_for(manager).post(reverse("notification_read", kwargs={"pk": first.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(user=manager, channel="in_app", read_at=None).count() == 1


def test_it_marks_read_with_htmx_and_tells_the_bell(client_for, manager, notified):
    first = notified[0]
    response = client_for(manager).post(
        reverse("notification_read", kwargs={"pk": first.pk}), **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-read"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="notification-items">')
    assert html.count("Marquer comme lue") == 1


def test_it_refuses_to_mark_someone_else_s_notification(client_for, outsider, notified):
    first = notified[0]
    response = client_for(outsider).post(reverse("notification_read", kwargs={"pk": first.pk}))
    assert response.status_code == 404
    first.refresh_from_db()
    assert first.read_at is None


def test_it_marks_everything_read(client_for, manager, notified):
    client = client_for(manager)
    assert (
        client.get(reverse("notification_read", kwargs={"pk": notified[0].pk})).status_code == 405
    )
    response = client.post(reverse("notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=manager, read_at=None, channel="in_app").exists()
    assert "0 non lue" in client.get(reverse("notification_bell")).content.decode()


def test_it_asks_to_sign_in(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_it_shows_the_e_mail_preferences_all_on_by_default(client_for, manager):
    html = client_for(manager).get(reverse("notification_preferences")).content.decode()
    email_boxes = re.findall(r'<input type="checkbox" name="email"[^>]*>', html)
    assert len(email_boxes) == 3
    assert all("checked" in box for box in email_boxes)
    assert "24 heures avant l&#x27;échéance" in html
    assert "toujours envoyé par e-mail" in html


def test_it_saves_the_e_mail_preferences(client_for, manager):
    response = client_for(manager).post(
        reverse("notification_preferences"), {"email": ["60", "360"]}, follow=True
    )
    assert "Vos préférences de rappel sont enregistrées." in response.content.decode()
    assert ReminderPreference.objects.get(user=manager).muted_email_offsets == [1440]


def test_it_refuses_an_unknown_reminder_kind_and_changes_nothing(client_for, manager):
    response = client_for(manager).post(reverse("notification_preferences"), {"email": ["0"]})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert ReminderPreference.objects.get(user=manager).muted_email_offsets == []


def test_it_hides_notifications_of_incidents_the_user_no_longer_sees(client_for, manager, notified):
    Membership.objects.filter(user=manager).delete()
    client = client_for(manager)
    assert "Aucune notification" in client.get(reverse("notifications")).content.decode()
    response = client.post(reverse("notification_read", kwargs={"pk": notified[0].pk}))
    assert response.status_code == 404


def bell_text(client):
    return client.get(reverse("notification_bell")).content.decode()


def test_the_bell_reads_its_count_from_the_cache_until_it_changes(
    client_for, manager, notified, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    assert "2 non lues" in bell_text(client)
    # The signed-in user only: the session and the count come from the cache.
    with django_assert_num_queries(1):
        assert "2 non lues" in bell_text(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notification_read", kwargs={"pk": notified[0].pk}))
    assert "1 non lue" in bell_text(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications_read_all"))
    assert "0 non lue" in bell_text(client)


def test_the_bell_counts_a_new_reminder_once_it_is_committed(
    client_for, manager, incident, notified, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    assert "2 non lues" in bell_text(client)
    complaint = incident.steps.get(key="complaint")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_sweep(now=complaint.due_at - timedelta(minutes=59))
    # Written but not committed: the bell still says what was committed.
    assert "2 non lues" in bell_text(client)
    unread = Notification.objects.filter(user=manager, channel="in_app", read_at=None).count()
    assert unread > 2
    # The commit as the bell sees it (the e-mails handed to the worker are not this test's).
    for callback in callbacks:
        if getattr(callback, "__qualname__", "").startswith("counts_changed"):
            callback()
    assert f"{unread} non lues" in bell_text(client)
