"""The crisis cell: the manager invites people by e-mail and entrusts steps to them."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from incident_app.models import CellInvitation, JournalEntry, Membership, User
from incident_app.services.steps import complete_step, mark_not_applicable

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("crisis_cell", args=[incident.reference])


def test_it_invites_a_new_person_who_joins_only_by_accepting(
    client, client_for, manager, incident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            url(incident), {"email": "Informatique@Lefevre.example", "first_name": "Inès"}
        )
    assert response.status_code == 302
    # Nothing exists yet but a pending invitation: no account, no membership.
    assert not User.objects.filter(email="informatique@lefevre.example").exists()
    invitation = CellInvitation.objects.get(email="informatique@lefevre.example")
    assert invitation.status == "pending"
    entry = incident.journal.get(kind=JournalEntry.Kind.MEMBER_INVITED)
    assert entry.data == {"email": "informatique@lefevre.example", "invitation": invitation.pk}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["informatique@lefevre.example"]
    assert "Menuiserie Lefèvre" in message.subject
    link = re.search(r"http://testserver(/invitations/\S+/)", message.body).group(1)

    # The person opens the link, chooses a password, and is in.
    client.logout()
    assert "Rejoindre la cellule de crise de Menuiserie Lefèvre" in client.get(link).text
    response = client.post(
        link, {"action": "accept", "first_name": "Inès", "password": "une-phrase-longue-42"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="informatique@lefevre.example")
    assert user.check_password("une-phrase-longue-42")
    assert Membership.objects.get(user=user, organisation=incident.company).role == "member"
    assert incident.journal.filter(kind=JournalEntry.Kind.MEMBER_JOINED).exists()
    # The link served once.
    client.logout()
    assert client.get(link).status_code == 404


def test_it_adds_an_existing_user_only_once_they_accept(
    client, client_for, manager, incident, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(url(incident), {"email": outsider.email})
    assert not Membership.objects.filter(user=outsider, organisation=incident.company).exists()
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    # Without signing in, the page asks to sign in; the password is never reset.
    client.logout()
    page = client.get(link).text
    assert "Me connecter pour répondre" in page
    response = client_for(outsider).post(link, {"action": "accept"})
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.has_usable_password()
    assert Membership.objects.filter(user=outsider, organisation=incident.company).exists()


def test_it_refuses_someone_already_in_the_cell(client_for, manager, member, incident):
    response = client_for(manager).post(url(incident), {"email": member.email})
    assert response.status_code == 400
    assert "fait déjà partie" in response.text
    assert not incident.journal.filter(kind=JournalEntry.Kind.MEMBER_INVITED).exists()


def test_it_refuses_an_invalid_address(client_for, manager, incident):
    response = client_for(manager).post(url(incident), {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert "n&#x27;est pas valide" in response.text or "n'est pas valide" in response.text
    assert User.objects.filter(email="pas-une-adresse").count() == 0


def test_it_lists_the_members(client_for, manager, member, incident):
    page = client_for(manager).get(url(incident)).text
    assert member.email in page and manager.email in page


@pytest.mark.parametrize("who", ["member", "broker", "auditor"])
def test_it_lets_only_the_manager_invite(request, client_for, incident, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(incident)).status_code == 200
    assert client.post(url(incident), {"email": "x@y.example"}).status_code == 404
    assert not User.objects.filter(email="x@y.example").exists()


def assign_url(incident, key):
    return reverse("step_assign", args=[incident.reference, key])


def test_it_entrusts_a_step_to_a_member(client_for, manager, member, incident):
    client = client_for(manager)
    response = client.post(assign_url(incident, "complaint"), {"assignee": member.pk})
    assert response.status_code == 302
    assert response.url == url(incident) + "#assign-complaint"
    assert incident.steps.get(key="complaint").assignee == member
    entry = incident.journal.get(kind=JournalEntry.Kind.STEP_ASSIGNED)
    assert entry.data == {"step": "complaint", "assignee": member.pk}
    cell = client.get(response.url).text
    assert "« Porter plainte » confiée à Karim." in cell
    assert f'<option value="{member.pk}" selected>' in cell
    step_page = client.get(reverse("step_detail", args=[incident.reference, "complaint"])).text
    assert "Confiée à Karim" in step_page


def test_it_journals_the_assignment_in_the_company_language(client_for, manager, member, incident):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(assign_url(incident, "complaint"), {"assignee": member.pk})
    client.post(assign_url(incident, "complaint"), {"assignee": ""})
    texts = list(
        incident.journal.filter(kind=JournalEntry.Kind.STEP_ASSIGNED)
        .order_by("seq")
        .values_list("text", flat=True)
    )
    assert texts == [
        "Étape « Porter plainte » confiée à Karim.",
        "Étape « Porter plainte » : plus confiée à personne.",
    ]


def test_it_lists_who_does_what_with_a_choice_per_open_step_for_the_manager(
    client_for, manager, member, incident
):
    complete_step(incident.steps.get(key="hotline"), user=manager)
    cell = client_for(manager).get(url(incident)).text
    open_steps = incident.steps.filter(applicable=True, status="todo")
    assert cell.count('name="assignee"') == open_steps.count()
    assert f'action="{assign_url(incident, "complaint")}"' in cell
    assert f'action="{assign_url(incident, "hotline")}"' not in cell
    # The member sees who does what, without the choices.
    assert 'name="assignee"' not in client_for(member).get(url(incident)).text


def test_it_names_who_did_each_finished_step(client_for, manager, member, incident):
    complete_step(incident.steps.get(key="hotline"), user=member)
    mark_not_applicable(incident.steps.get(key="communication"), user=manager, reason="Seuls.")
    cell = client_for(manager).get(url(incident)).text
    hotline = re.search(r'id="assign-hotline".*?</li>', cell, re.S).group(0)
    assert "faite par Karim" in hotline
    assert "personne" not in hotline
    communication = re.search(r'id="assign-communication".*?</li>', cell, re.S).group(0)
    assert "sans objet, selon Claire" in communication


def test_the_step_page_sends_the_manager_to_the_crisis_cell_to_assign(
    client_for, manager, member, incident
):
    link = url(incident) + "#assign-complaint"
    step_url = reverse("step_detail", args=[incident.reference, "complaint"])
    assert link in client_for(manager).get(step_url).text
    assert link not in client_for(member).get(step_url).text


def test_it_refuses_someone_outside_the_company(client_for, manager, outsider, incident):
    response = client_for(manager).post(
        assign_url(incident, "complaint"), {"assignee": outsider.pk}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert 'class="assignment has-error"' in response.text
    assert incident.steps.get(key="complaint").assignee is None


def test_it_lets_only_the_manager_assign(client_for, member, incident):
    response = client_for(member).post(assign_url(incident, "complaint"), {"assignee": member.pk})
    assert response.status_code == 404
    assert incident.steps.get(key="complaint").assignee is None


def test_it_answers_404_for_an_unknown_step(client_for, manager, member, incident):
    response = client_for(manager).post(assign_url(incident, "nope"), {"assignee": member.pk})
    assert response.status_code == 404
