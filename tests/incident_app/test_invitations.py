"""Invitations to a crisis cell: consent of the invitee, nothing learnt by the inviter."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from incident_app.models import CellInvitation, JournalEntry, Membership
from incident_app.services import crisis as crisis_service

pytestmark = pytest.mark.django_db


def invite(client, incident, email, capture):
    with capture(execute=True):
        response = client.post(reverse("crisis_cell", args=[incident.reference]), {"email": email})
    return response


def link_in(message):
    return re.search(r"http://testserver(/invitations/\S+/)", message.body).group(1)


def test_it_answers_the_same_whatever_the_address(
    client_for, manager, incident, outsider, staff, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    answers = []
    for email in ("nobody@nowhere.example", outsider.email, staff.email):
        response = invite(client, incident, email, django_capture_on_commit_callbacks)
        page = client.get(response.url)
        flashes = [str(m).replace(email, "EMAIL") for m in page.context["messages"]]
        answers.append((response.status_code, response.url, flashes))
        # Listed as pending, like any other address.
        assert email in page.text
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][2] == ["Invitation envoyée à EMAIL."]
    entries = incident.journal.filter(kind=JournalEntry.Kind.MEMBER_INVITED).order_by("seq")
    assert [sorted(entry.data) for entry in entries] == [["email", "invitation"]] * 3
    # Nobody was added; the staff account got no mail at all.
    assert (
        not Membership.objects.filter(organisation=incident.company).exclude(user=manager).exists()
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["nobody@nowhere.example", outsider.email]
    )


def test_it_refuses_a_staff_account_even_with_the_link(client_for, manager, incident, staff):
    invitation = crisis_service.invite_member(
        incident, email=staff.email, inviter=manager, base_url="http://testserver/"
    )
    token = crisis_service.invitation_token(invitation)
    response = client_for(staff).post(
        reverse("cell_invitation", args=[token]), {"action": "accept"}
    )
    assert response.status_code == 400
    assert "ne peut pas rejoindre" in response.text
    assert not Membership.objects.filter(user=staff).exists()


def test_it_refuses_someone_signed_in_with_another_address(client_for, manager, incident, outsider):
    invitation = crisis_service.invite_member(
        incident, email="it@lefevre.example", inviter=manager, base_url="http://testserver/"
    )
    token = crisis_service.invitation_token(invitation)
    response = client_for(outsider).post(
        reverse("cell_invitation", args=[token]), {"action": "accept"}
    )
    assert response.status_code == 400
    assert "autre adresse" in response.text
    assert not Membership.objects.filter(user=outsider, organisation=incident.company).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.mark.parametrize("spoil", ["expired", "forged", "declined"])
def test_it_refuses_a_link_that_no_longer_holds(client, manager, incident, spoil):
    invitation = crisis_service.invite_member(
        incident, email="it@lefevre.example", inviter=manager, base_url="http://testserver/"
    )
    token = crisis_service.invitation_token(invitation)
    if spoil == "expired":
        CellInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif spoil == "forged":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    else:
        crisis_service.decline_invitation(invitation)
    url = reverse("cell_invitation", args=[token])
    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "accept", "password": "une-phrase-longue-42"})
    assert response.status_code == 404
    assert "plus valable" in response.text
    assert not Membership.objects.filter(user__email="it@lefevre.example").exists()


def test_it_journals_a_declined_invitation(client, manager, incident):
    invitation = crisis_service.invite_member(
        incident, email="it@lefevre.example", inviter=manager, base_url="http://testserver/"
    )
    token = crisis_service.invitation_token(invitation)
    response = client.post(reverse("cell_invitation", args=[token]), {"action": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert incident.journal.filter(
        kind=JournalEntry.Kind.MEMBER_LEFT, data__invitation=invitation.pk
    ).exists()


def test_it_lets_a_member_leave_the_cell(client_for, manager, member, incident):
    from incident_app.services.crisis import assign_step

    step = incident.steps.get(key="complaint")
    assign_step(step, assignee=member, actor=manager)
    client = client_for(member)
    page = client.get(reverse("crisis_cell", args=[incident.reference])).text
    assert "Quitter la cellule de crise" in page
    response = client.post(reverse("crisis_leave", args=[incident.reference]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=member, organisation=incident.company).exists()
    step.refresh_from_db()
    assert step.assignee is None
    assert incident.journal.filter(kind=JournalEntry.Kind.MEMBER_LEFT).exists()
    # Gone: the incident is no longer theirs to see.
    assert client.get(reverse("incident_detail", args=[incident.reference])).status_code == 404


def test_it_does_not_let_the_manager_leave(client_for, manager, incident):
    response = client_for(manager).post(reverse("crisis_leave", args=[incident.reference]))
    assert response.status_code == 404
    assert Membership.objects.filter(user=manager, organisation=incident.company).exists()
