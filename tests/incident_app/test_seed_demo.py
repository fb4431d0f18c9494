import pytest
from django.core.management import call_command

from coverage.models import Policy
from incident_app.models import Incident, JournalEntry, Membership, User, verify_chain

pytestmark = pytest.mark.django_db


def counts():
    return (
        User.objects.count(),
        Membership.objects.count(),
        Policy.objects.count(),
        Incident.objects.count(),
        JournalEntry.objects.count(),
    )


def test_it_creates_the_demo_world_once(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    output = capsys.readouterr().out
    assert "courtier@durand-courtage.example" in output
    assert "riposte-demo-2026" in output


def test_it_gives_the_clinic_the_reference_offers_hotline():
    call_command("seed_demo")
    clinic = Incident.objects.get(reference="RIP-DEMO-0001")
    assert clinic.company.country == "LU"
    assert clinic.policy.hotline.as_e164 == "+35247614444"
    assert {"phishing", "ransomware"} <= set(clinic.kinds)
    for incident in Incident.objects.all():
        assert verify_chain(incident) is None


def test_it_lets_each_demo_user_sign_in(client):
    call_command("seed_demo")
    for user in User.objects.all():
        assert client.login(username=user.email, password="riposte-demo-2026"), user.email
