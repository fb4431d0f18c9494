"""The request pages: the broker asks and reviews, the company answers from its page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from broker import requests as service
from broker.models import ClientRequest

pytestmark = pytest.mark.django_db


def create_url(incident):
    return reverse("request_create", args=[incident.reference])


def tomorrow():
    return (timezone.localdate() + timedelta(days=2)).isoformat()


@pytest.fixture
def asked(incident, broker):
    return service.ask(
        incident,
        user=broker,
        item="complaint_receipt",
        title="",
        details="",
        due_at=timezone.now() + timedelta(days=3),
    )


def test_it_lets_the_broker_ask_for_a_checklist_item(client_for, broker, incident):
    response = client_for(broker).post(
        create_url(incident), {"item": "complaint_receipt", "due_on": tomorrow()}
    )
    assert response.status_code == 302
    request = ClientRequest.objects.get()
    assert request.item == "complaint_receipt" and request.asked_by == broker
    # The end of the day in the company's zone.
    assert request.due_at.astimezone(incident.zone).hour == 23


def test_it_lets_the_broker_ask_in_free_text(client_for, broker, incident):
    client_for(broker).post(
        create_url(incident),
        {"item": "", "title": "Le contrat de maintenance", "due_on": tomorrow()},
    )
    assert ClientRequest.objects.get().title == "Le contrat de maintenance"


@pytest.mark.parametrize(
    "data",
    [
        {"item": "", "title": "", "due_on": "2099-01-01"},
        {"item": "complaint_receipt", "due_on": "2001-01-01"},
        {"item": "complaint_receipt", "due_on": "demain"},
        {"item": "the_moon", "due_on": "2099-01-01"},
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(client_for, broker, incident, data):
    response = client_for(broker).post(create_url(incident), data)
    assert response.status_code == 400
    assert 'class="error"' in response.text or "message error" in response.text
    assert not ClientRequest.objects.exists()


@pytest.mark.parametrize(
    "who", ["manager", "member", "auditor", "other_broker", "outsider", "expert", "staff"]
)
def test_it_lets_no_one_but_the_broker_ask(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        create_url(incident), {"item": "complaint_receipt", "due_on": tomorrow()}
    )
    assert response.status_code == 404
    assert not ClientRequest.objects.exists()


def test_it_shows_open_requests_at_the_top_of_the_company_page(
    client_for, manager, asked, incident
):
    text = client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    assert "Votre courtier vous demande 1 élément" in text
    assert text.index("broker-requests") < text.index('id="wizard"')
    assert reverse("request_answer", args=[incident.reference, asked.pk]) in text


def answer_url(request):
    return reverse("request_answer", args=[request.incident.reference, request.pk])


@pytest.mark.parametrize("who", ["manager", "member"])
def test_it_lets_the_company_answer_with_a_file(request, client_for, asked, who):
    user = request.getfixturevalue(who)
    upload = SimpleUploadedFile("recepisse.pdf", b"%PDF-1.4 PV", content_type="application/pdf")
    response = client_for(user).post(answer_url(asked), {"text": "Voici", "files": [upload]})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == "answered" and asked.answered_by == user
    assert asked.evidence.get().original_name == "recepisse.pdf"


@pytest.mark.parametrize("who", ["broker", "auditor", "outsider", "other_broker", "expert"])
def test_it_lets_no_one_else_answer(request, client_for, asked, who):
    user = request.getfixturevalue(who)
    assert client_for(user).post(answer_url(asked), {"text": "Voici"}).status_code == 404
    asked.refresh_from_db()
    assert asked.status == "asked"


def test_it_says_so_when_a_closed_request_is_answered(client_for, manager, broker, asked):
    service.answer(asked, user=manager, text="Voici")
    service.accept(asked, user=broker)
    response = client_for(manager).post(answer_url(asked), {"text": "Encore"}, follow=True)
    assert "attend plus de réponse" in response.text
    asked.refresh_from_db()
    assert asked.answer == "Voici"


def test_it_refuses_a_request_of_another_incident(client_for, manager, asked, other_incident):
    url = reverse("request_answer", args=[other_incident.reference, asked.pk])
    assert client_for(manager).post(url, {"text": "Voici"}).status_code == 404


def review_url(request):
    return reverse("request_review", args=[request.incident.reference, request.pk])


def test_it_lets_the_broker_accept_or_send_back(client_for, broker, manager, asked, incident):
    service.answer(asked, user=manager, text="Voici")
    client = client_for(broker)
    response = client.post(review_url(asked), {"action": "send_back", "comment": ""})
    assert response.status_code == 400
    assert "Dites au client ce qui manque." in response.text
    client.post(review_url(asked), {"action": "send_back", "comment": "Page 2 manquante"})
    asked.refresh_from_db()
    assert asked.status == "returned"
    service.answer(asked, user=manager, text="Les deux pages")
    assert client.post(review_url(asked), {"action": "accept"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == "accepted"
    # Accepting again changes nothing and says why.
    response = client.post(review_url(asked), {"action": "accept"})
    assert response.status_code == 400
    assert "Seule une demande répondue" in response.text


@pytest.mark.parametrize("who", ["manager", "member", "auditor", "other_broker", "expert"])
def test_it_lets_no_one_else_review(request, client_for, manager, asked, who):
    service.answer(asked, user=manager, text="Voici")
    user = request.getfixturevalue(who)
    assert client_for(user).post(review_url(asked), {"action": "accept"}).status_code == 404
    asked.refresh_from_db()
    assert asked.status == "answered"
