"""Announcements: told to people in the app and by e-mail, in their language, delivered by
the same claim-then-send as reminders."""

import pytest

from incident_app.models import Notification
from incident_app.services import notify

pytestmark = pytest.mark.django_db


def test_it_tells_each_person_in_their_language_in_the_app_and_by_email(
    incident, manager, member, mailoutbox
):
    member.language = "en"
    member.save()
    from django.utils.translation import gettext as _

    made = notify.announce(incident, [manager, member], lambda: (_("Notes"), "Corps"))
    assert made == 4
    rows = Notification.objects.filter(incident=incident, reminder__isnull=True)
    assert {(n.user_id, n.channel) for n in rows} == {
        (manager.pk, "in_app"),
        (manager.pk, "email"),
        (member.pk, "in_app"),
        (member.pk, "email"),
    }
    assert rows.get(user=member, channel="in_app").subject == "Notes"
    assert rows.filter(channel="in_app", delivered_at__isnull=False).count() == 2
    email = rows.get(user=manager, channel="email")
    assert notify.deliver(email.pk) is True
    assert notify.deliver(email.pk) is False
    message = mailoutbox[-1]
    assert message.to == [manager.email]
    assert message.subject == "Notes"
    assert "Corps" in message.body
    assert f"/incidents/{incident.reference}/" in message.body


def test_it_skips_people_who_left(incident, manager):
    manager.is_active = False
    manager.save()
    assert notify.announce(incident, [manager], lambda: ("S", "B")) == 0
