"""The claim's state: changed by the broker or the insurer with a note, journaled, kept in
its history, shown and told to the company, announced to other packages."""

import pytest
from django.urls import reverse

from incident_app.models import ClaimStateChange, Incident, Notification
from incident_app.signals import claim_state_changed

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("claim_state", args=[incident.reference])


@pytest.mark.parametrize("who", ["broker", "auditor"])
def test_it_lets_the_broker_and_the_insurer_change_the_state(
    request, client_for, incident, manager, who, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)
    heard = []
    claim_state_changed.connect(
        lambda **kw: heard.append(kw["change"]), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(user).post(
                url(incident), {"state": "investigation", "note": "Expert mandaté"}
            )
    finally:
        claim_state_changed.disconnect(dispatch_uid="t")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Incident.Status.INVESTIGATION
    change = ClaimStateChange.objects.get()
    assert (change.from_state, change.to_state, change.note) == (
        "declared",
        "investigation",
        "Expert mandaté",
    )
    assert change.changed_by == user
    assert heard == [change]
    entry = incident.journal.order_by("-seq").first()
    assert entry.kind == "status_changed" and "Expert mandaté" in entry.text
    assert Notification.objects.filter(user=manager, subject__contains="Expertise").exists()


def test_it_shows_the_history_to_the_company(client_for, broker, manager, incident):
    client_for(broker).post(
        url(incident), {"state": "open", "note": "Sinistre ouvert chez l'assureur"}
    )
    client_for(broker).post(url(incident), {"state": "investigation", "note": "Expert mandaté"})
    text = client_for(manager).get(reverse("incident_detail", args=[incident.reference])).text
    assert "Sinistre ouvert chez l" in text and "Expert mandaté" in text
    assert text.index("Expert mandaté") < text.index("Sinistre ouvert chez l")
    # The company reads the states; it does not change them.
    assert url(incident) not in text


@pytest.mark.parametrize("who", ["manager", "member", "other_broker", "outsider", "expert"])
def test_it_lets_no_one_else_change_it(request, client_for, incident, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(url(incident), {"state": "refused", "note": "Non"})
    assert response.status_code == 404
    incident.refresh_from_db()
    assert incident.status == "declared"
    assert not ClaimStateChange.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"state": "open", "note": ""},
        {"state": "paid", "note": "Payé"},
        {"state": "declared", "note": "Rien"},
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(client_for, broker, incident, data):
    response = client_for(broker).post(url(incident), data)
    assert response.status_code == 400
    assert "message error" in response.text or 'class="error"' in response.text
    incident.refresh_from_db()
    assert incident.status == "declared"
    assert not ClaimStateChange.objects.exists()


def test_it_tells_the_insurer_what_was_wrong(client_for, auditor, incident):
    response = client_for(auditor).post(url(incident), {"state": "open", "note": ""}, follow=True)
    assert "Ce champ est obligatoire." in response.text
    assert not ClaimStateChange.objects.exists()


def test_closing_and_reopening_enter_the_history(client_for, manager, incident):
    from incident_app.services.incidents import close_incident, reopen_incident

    close_incident(incident, user=manager, reason="Traité")
    reopen_incident(incident, user=manager, reason="Nouvelle facture")
    states = list(ClaimStateChange.objects.order_by("pk").values_list("to_state", flat=True))
    assert states == ["closed", "declared"]


def test_it_stops_the_reminders_of_a_refused_claim(client_for, broker, incident):
    from incident_app.models import Reminder

    pending = Reminder.objects.filter(
        step__incident=incident, cancelled_at__isnull=True, claimed_at__isnull=True
    )
    assert pending.exists()
    client_for(broker).post(url(incident), {"state": "refused", "note": "Exclusion"})
    assert not pending.exists()
