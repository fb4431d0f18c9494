"""Platform staff open a company's incident with a reason, for a while, in its journal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import SecurityEvent
from incident_app.models import Incident, JournalEntry, StaffAccess

pytestmark = pytest.mark.django_db


def gate(incident):
    return reverse("staff_access", args=[incident.reference])


def test_it_hides_every_incident_from_staff_without_a_grant(client_for, staff, incident):
    assert not Incident.objects.visible_to(staff).exists()
    client = client_for(staff)
    assert client.get(reverse("incident_detail", args=[incident.reference])).status_code == 404
    assert client.get(reverse("coverage_summary", args=[incident.reference])).status_code == 404
    # The admin keeps working without a grant.
    admin_list = client.get(reverse("admin:incident_app_incident_changelist"))
    assert admin_list.status_code == 200
    assert incident.reference in admin_list.text


def test_it_asks_for_a_reason_and_changes_nothing_without_one(client_for, staff, incident):
    client = client_for(staff)
    page = client.get(gate(incident))
    assert page.status_code == 200
    assert "Menuiserie Lefèvre" in page.text
    response = client.post(gate(incident), {"reason": "  court "})
    assert response.status_code == 400
    assert "pourquoi" in response.text
    assert not StaffAccess.objects.exists()
    assert not incident.journal.filter(kind=JournalEntry.Kind.STAFF_ACCESS).exists()


def test_it_opens_the_incident_for_a_while_and_tells_the_company(
    client_for, staff, manager, incident
):
    reason = "Ticket 4521 : l'entreprise ne voit plus ses preuves"
    response = client_for(staff).post(gate(incident), {"reason": reason})
    assert response.status_code == 302
    assert response.url == reverse("incident_detail", args=[incident.reference])
    grant = StaffAccess.objects.get()
    assert grant.expires_at - grant.opened_at == timedelta(minutes=60)
    entry = incident.journal.get(kind=JournalEntry.Kind.STAFF_ACCESS)
    assert entry.actor == staff
    assert reason in entry.text
    assert SecurityEvent.objects.filter(kind="staff_access", user=staff, target=incident.reference)
    assert client_for(staff).get(response.url).status_code == 200

    # The company reads who, until when, and why, on the incident's page.
    page = client_for(manager).get(response.url).text
    assert "L’équipe Riposte (staff@riposte.example) a accès à cet incident" in page
    assert reason.replace("'", "&#x27;") in page

    # Once the time is over, the incident is gone again for staff, and the banner too.
    StaffAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_for(staff).get(response.url).status_code == 404
    assert "a accès à cet incident" not in client_for(manager).get(response.url).text


def test_it_gives_staff_a_read_only_view(client_for, granted_staff, incident):
    client = client_for(granted_staff)
    step_url = reverse("step_complete", args=[incident.reference, "hotline"])
    assert client.post(step_url, {}).status_code == 404
    assert incident.steps.get(key="hotline").status == "todo"


@pytest.mark.parametrize("who", ["manager", "broker", "auditor"])
def test_it_keeps_the_gate_for_staff(request, client_for, incident, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(gate(incident)).status_code == 404
    assert client.post(gate(incident), {"reason": "Je veux voir ce dossier"}).status_code == 404
    assert not StaffAccess.objects.exists()
