"""The private iCalendar feed: its page, its token, and what it publishes (RFC 5545)."""

import pytest
from django.urls import reverse

from incident_app.services import ical
from incident_app.services.steps import complete_step

pytestmark = pytest.mark.django_db


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_it_creates_a_feed_address_on_request(client_for, manager):
    client = client_for(manager)
    assert "Créer mon adresse de calendrier" in client.get(reverse("calendar")).content.decode()
    response = client.post(reverse("calendar"), {"action": "regenerate"}, follow=True)
    manager.refresh_from_db()
    assert len(manager.calendar_token) >= 40
    assert f"/calendrier/{manager.calendar_token}.ics" in response.content.decode()


def test_it_replaces_the_address_and_the_old_one_stops_working(client, client_for, manager):
    old = ical.regenerate(manager)
    client_for(manager).post(reverse("calendar"), {"action": "regenerate"})
    manager.refresh_from_db()
    assert manager.calendar_token != old
    client.logout()
    assert client.get(reverse("calendar_feed", kwargs={"token": old})).status_code == 404
    feed = client.get(reverse("calendar_feed", kwargs={"token": manager.calendar_token}))
    assert feed.status_code == 200


def test_it_revokes_the_address(client_for, manager):
    token = ical.regenerate(manager)
    client = client_for(manager)
    client.post(reverse("calendar"), {"action": "revoke"})
    manager.refresh_from_db()
    assert manager.calendar_token is None
    assert client.get(reverse("calendar_feed", kwargs={"token": token})).status_code == 404


def test_it_ignores_an_unknown_action(client_for, manager):
    token = ical.regenerate(manager)
    response = client_for(manager).post(reverse("calendar"), {"action": "drop"}, follow=True)
    assert "Action inconnue" in response.content.decode()
    manager.refresh_from_db()
    assert manager.calendar_token == token


def test_it_publishes_the_open_deadlines_without_a_session(client, manager, incident):
    token = ical.regenerate(manager)
    response = client.get(reverse("calendar_feed", kwargs={"token": token}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    text = _unfold(body)
    complaint = incident.steps.get(key="complaint")
    assert f"UID:step-{complaint.pk}@127.0.0.1" in text
    assert "DTSTART:" + complaint.due_at.astimezone(ical.UTC).strftime("%Y%m%dT%H%M%SZ") in text
    assert f"SUMMARY:[{incident.reference}] Porter plainte" in text
    assert "TRIGGER:-PT1H" in text
    # Only steps with a deadline: the complaint, the CNIL notification, the claim declaration.
    assert text.count("BEGIN:VEVENT") == 3


def test_it_drops_a_step_once_done(client, manager, incident):
    token = ical.regenerate(manager)
    complete_step(incident.steps.get(key="complaint"), user=manager, proof_reference="PV-1")
    body = client.get(reverse("calendar_feed", kwargs={"token": token})).content.decode()
    assert _unfold(body).count("BEGIN:VEVENT") == 2
    assert "Porter plainte" not in _unfold(body)


def test_it_publishes_only_what_the_user_may_see(client, incident, other_incident, outsider):
    token = ical.regenerate(outsider)
    text = _unfold(client.get(reverse("calendar_feed", kwargs={"token": token})).content.decode())
    assert incident.reference not in text
    assert other_incident.reference in text


def test_it_lets_the_broker_see_its_clients_deadlines(client, incident, broker):
    token = ical.regenerate(broker)
    text = _unfold(client.get(reverse("calendar_feed", kwargs={"token": token})).content.decode())
    assert incident.reference in text


def test_it_answers_404_to_an_unknown_token(client):
    response = client.get(reverse("calendar_feed", kwargs={"token": "not-a-token"}))
    assert response.status_code == 404


def test_it_escapes_text_values():
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_it_folds_long_lines_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


def test_it_leaves_short_lines_alone():
    assert ical.fold("VERSION:2.0") == "VERSION:2.0"
