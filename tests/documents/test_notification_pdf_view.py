"""Asking for the notification's PDF: the company and its broker; never the insurer."""

import pytest

from documents.models import RenderedDocument
from documents.services.notification import start_notification


@pytest.fixture
def notification(incident, manager):
    return start_notification(incident, manager)


def url(notification):
    return f"/incidents/{notification.incident.reference}/notification/{notification.pk}/pdf/"


@pytest.mark.parametrize("who", ["manager", "member", "broker"])
def test_it_asks_for_the_pdf(client_for, request, who, notification, papers_sent):
    response = client_for(request.getfixturevalue(who)).post(url(notification))
    document = RenderedDocument.objects.get(notification=notification)
    assert response.status_code == 302 and document.kind == "notification"
    assert document.incident == notification.incident


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_others_may_not(client_for, request, who, notification, papers_sent):
    assert client_for(request.getfixturevalue(who)).post(url(notification)).status_code == 404
    assert not RenderedDocument.objects.exists()


def test_it_answers_only_post(client_for, manager, notification):
    assert client_for(manager).get(url(notification)).status_code == 405
