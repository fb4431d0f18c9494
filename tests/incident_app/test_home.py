import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("manager", "company_home"),
        ("member", "company_home"),
        ("broker", "broker_home"),
        ("auditor", "insurer_home"),
    ],
)
def test_it_sends_each_role_to_its_home(request, client_for, who, home):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(home)


def test_it_sends_staff_without_organisation_to_the_admin(client_for, staff):
    response = client_for(staff).get(reverse("home"))
    assert response.url == reverse("admin:index")


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("company_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_lists_only_the_companys_own_incidents(client_for, manager, incident, other_incident):
    response = client_for(manager).get(reverse("company_home"))
    assert incident.reference in response.text
    assert other_incident.reference not in response.text


def test_it_shows_the_broker_its_clients_only(client_for, broker, incident, other_incident):
    response = client_for(broker).get(reverse("broker_home"))
    assert incident.reference in response.text
    assert "Menuiserie Lefèvre" in response.text
    assert other_incident.reference not in response.text


def test_it_shows_the_auditor_compliance_of_its_portfolio(
    client_for, auditor, incident, other_incident
):
    client = client_for(auditor)
    response = client.get(reverse("insurer_home"))
    assert ">Porter plainte</a></th>" in response.text
    listed = client.get(reverse("insurer_incidents")).text
    assert incident.reference in listed
    assert other_incident.reference not in listed


def test_it_names_the_audited_steps_by_their_title_in_the_readers_language(
    client_for, auditor, incident
):
    client = client_for(auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("insurer_home")).text
    assert ">File a police complaint</a></th>" in text
    assert ">Notify the data breach to the CNIL</a></th>" in text
    assert ">dpa_notification<" not in text
    assert ">complaint</a></th>" not in text
