"""Declaring an attack: a short form, one incident per form, the hotline first."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage.models import Policy
from incident_app.models import Incident, JournalEntry

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def local(dt):
    return dt.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides):
    data = {
        "token": str(uuid.uuid4()),
        "kinds": ["ransomware"],
        "discovered_at": local(timezone.now() - timedelta(minutes=30)),
        "personal_data": "unknown",
        "network_usable": "",
    }
    data.update(overrides)
    return data


def declare(client, default_policy, **overrides):
    data = form_data(**overrides)
    data.setdefault("policy", default_policy.pk)
    return client.post(reverse("incident_declare"), data)


def test_it_shows_the_form_with_the_kinds_in_plain_words(client_for, manager, policy):
    response = client_for(manager).get(reverse("incident_declare"))
    assert response.status_code == 200
    assert "Rançongiciel" in response.text
    assert "vos fichiers sont chiffrés" in response.text
    assert 'type="datetime-local"' in response.text
    # One policy: chosen without asking.
    assert 'type="hidden" name="policy"' in response.text


def test_it_defaults_discovery_to_now_in_the_companys_zone(client_for, manager, policy):
    response = client_for(manager).get(reverse("incident_declare"))
    now_paris = timezone.now().astimezone(PARIS).strftime("%Y-%m-%dT%H:")
    assert f'value="{now_paris}' in response.text


def test_it_opens_the_incident_and_shows_the_hotline_first(client_for, manager, policy):
    client = client_for(manager)
    response = declare(client, policy)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incident_detail", args=[incident.reference])
    assert incident.kinds == ["ransomware"]
    assert incident.policy == policy
    assert incident.declared_by == manager
    assert incident.steps.filter(key="complaint", due_at__isnull=False).exists()
    assert incident.journal.filter(kind=JournalEntry.Kind.DECLARED).count() == 1

    page = client.get(response.url).text
    assert '<a class="button huge primary hotline-call" href="tel:+33180401234">' in page
    assert "01 80 40 12 34" in page
    assert "n’est pas encore déclarer le sinistre" in page
    # The hotline button comes before anything else in the page body.
    assert page.index("tel:+33180401234") < page.index('id="step-panel"')


def test_it_formats_a_foreign_hotline_internationally(client_for, manager, policy):
    policy.hotline = "+352 4761-4444"
    policy.save()
    client = client_for(manager)
    response = declare(client, policy)
    page = client.get(response.url).text
    assert "+352 47 61 44 44" in page
    assert 'href="tel:+35247614444"' in page


def test_it_stores_the_local_time_in_the_companys_zone(client_for, manager, policy):
    declare(client_for(manager), policy, discovered_at="2026-03-10T09:15")
    incident = Incident.objects.get()
    assert incident.discovered_at == datetime(2026, 3, 10, 8, 15, tzinfo=ZoneInfo("UTC"))


def test_it_opens_one_incident_on_a_double_click(client_for, manager, policy):
    client = client_for(manager)
    data = form_data(policy=policy.pk)
    first = client.post(reverse("incident_declare"), data)
    second = client.post(reverse("incident_declare"), data)
    assert Incident.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url
    assert "déjà été déclaré" in client.get(second.url).text


def test_it_refuses_a_future_discovery(client_for, manager, policy):
    future = local(timezone.now() + timedelta(hours=3))
    response = declare(client_for(manager), policy, discovered_at=future)
    assert response.status_code == 400
    assert "dans le futur" in response.text
    assert not Incident.objects.exists()


def test_it_asks_for_at_least_one_kind(client_for, manager, policy):
    response = declare(client_for(manager), policy, kinds=[])
    assert response.status_code == 400
    assert "Cochez au moins une situation." in response.text
    assert not Incident.objects.exists()


def test_it_refuses_an_unknown_kind_and_an_unknown_answer(client_for, manager, policy):
    response = declare(client_for(manager), policy, kinds=["alien"], personal_data="maybe")
    assert response.status_code == 400
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-29T02:30", "heure d'été"),
        ("2026-10-25T02:30", "heure d'hiver"),
        ("hier soir", "date et une heure valides"),
    ],
)
def test_it_refuses_unclear_local_times(client_for, manager, policy, value, message):
    response = declare(client_for(manager), policy, discovered_at=value)
    assert response.status_code == 400
    assert message in response.text.replace("&#x27;", "'")
    assert not Incident.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "1926-03-10T09:15"])
def test_it_refuses_an_implausible_year(client_for, manager, policy, value):
    response = declare(client_for(manager), policy, discovered_at=value)
    assert response.status_code == 400
    assert "Vérifiez l'année : indiquez une date entre 2000 et 2100." in response.text.replace(
        "&#x27;", "'"
    )
    assert not Incident.objects.exists()


def test_it_warns_before_the_policy_started_and_accepts_once_confirmed(client_for, manager, policy):
    policy.starts_on = date(2026, 6, 1)
    policy.save()
    client = client_for(manager)
    response = declare(client, policy, discovered_at="2026-05-20T10:00")
    assert response.status_code == 400
    assert "précède la date d'effet du contrat (01/06/2026)" in response.text.replace("&#x27;", "'")
    assert 'name="confirm_before_policy"' in response.text
    assert not Incident.objects.exists()

    response = declare(client, policy, discovered_at="2026-05-20T10:00", confirm_before_policy="on")
    assert response.status_code == 302
    assert Incident.objects.count() == 1


def test_it_asks_which_policy_when_there_are_several(client_for, manager, policy, insurer):
    second = Policy.objects.create(
        company=policy.company,
        insurer=insurer,
        number="HZ-2",
        starts_on=date(2026, 1, 1),
        hotline="+33 1 00 00 00 00",
    )
    client = client_for(manager)
    page = client.get(reverse("incident_declare")).text
    assert "<select" in page and "HZ-2" in page
    response = declare(client, policy, policy=second.pk)
    assert response.status_code == 302
    assert Incident.objects.get().policy == second


def test_it_refuses_someone_elses_policy(client_for, manager, policy, other_policy):
    response = declare(client_for(manager), policy, policy=other_policy.pk)
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_it_explains_when_there_is_no_policy(client_for, manager, company):
    response = client_for(manager).get(reverse("incident_declare"))
    assert "Aucun contrat en cours" in response.text


def test_it_takes_nis2_from_the_company_profile(client_for, manager, policy, company):
    company.nis2_entity = True
    company.save()
    declare(client_for(manager), policy)
    incident = Incident.objects.get()
    assert incident.nis2_entity is True
    assert incident.steps.filter(key="nis2_early_warning").exists()


def test_it_is_not_open_to_brokers_and_auditors(client_for, broker, auditor, policy):
    for user in (broker, auditor):
        assert client_for(user).get(reverse("incident_declare")).status_code == 404


def test_it_shows_the_declare_button_on_the_company_home(client_for, manager, incident):
    page = client_for(manager).get(reverse("company_home")).text
    assert reverse("incident_declare") in page
    assert reverse("incident_detail", args=[incident.reference]) in page
