"""The installable app's manifest, its service worker, and the reflex card."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_it_describes_the_app_for_installing(client):
    response = client.get(reverse("app_manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_it_serves_the_worker_from_the_site_root_under_the_csp(client):
    response = client.get(reverse("service_worker"))
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert body.startswith("self.RIPOSTE = ")
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.RIPOSTE = ").rstrip(";"))
    assert config["card"] == reverse("reflex_card")
    assert "/static/css/riposte.css" in config["precache"]
    assert 'addEventListener("push"' in body


def test_it_links_the_manifest_from_every_page(client):
    html = client.get(reverse("login")).content.decode()
    assert f'<link rel="manifest" href="{reverse("app_manifest")}">' in html


def test_it_shows_the_company_s_reflex_card(client_for, manager, member, incident):
    member.mobile = "+33698765432"
    member.mobile_verified_at = timezone.now()
    member.save()
    response = client_for(manager).get(reverse("reflex_card"))
    html = response.content.decode()
    assert 'href="tel:+33180401234"' in html
    assert "Durand Courtage" in html
    assert 'href="tel:+33698765432"' in html and "06 98 76 54 32" in html
    assert "Appeler l&#x27;assistance de votre assurance cyber" in html
    assert incident.reference in html and "Porter plainte" in html
    assert "private" in response["Cache-Control"]


def test_it_shows_no_unverified_phone(client_for, manager, member):
    member.mobile = "+33698765432"
    member.save()
    assert "98 76 54 32" not in client_for(manager).get(reverse("reflex_card")).content.decode()


def test_it_shows_a_broker_its_clients_open_incidents_without_a_card(client_for, broker, incident):
    html = client_for(broker).get(reverse("reflex_card")).content.decode()
    assert incident.reference in html
    assert "tel:+33180401234" not in html


def test_it_shows_an_outsider_nothing_of_the_company(client_for, outsider, incident, policy):
    html = client_for(outsider).get(reverse("reflex_card")).content.decode()
    assert incident.reference not in html and "Durand Courtage" not in html


def test_it_asks_to_sign_in_for_the_card(client):
    response = client.get(reverse("reflex_card"))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
