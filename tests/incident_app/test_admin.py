"""The back office: every admin list, search and form opens for staff, and only for staff."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_it_opens_every_admin_list_with_a_search_for_staff(client_for, staff, demo):
    client = client_for(staff)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(url, {"q": "RIP"} if model_admin.search_fields else {})
        assert response.status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_it_edits_a_policy_with_its_guarantees_inline(client_for, staff, demo):
    from coverage.models import Policy

    policy = Policy.objects.get(number="HZ-LU-MED-2026-0042")
    response = client_for(staff).get(reverse("admin:coverage_policy_change", args=[policy.pk]))
    assert "guarantees-TOTAL_FORMS" in response.text
    assert "+352" in response.text


def test_it_keeps_people_without_staff_rights_out(client_for, manager, broker, auditor):
    for user in (manager, broker, auditor):
        response = client_for(user).get(reverse("admin:coverage_policy_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response.url


def test_it_shows_incidents_without_letting_staff_change_their_facts(client_for, staff, demo):
    from incident_app.models import Incident

    incident = Incident.objects.first()
    url = reverse("admin:incident_app_incident_change", args=[incident.pk])
    client = client_for(staff)
    page = client.get(url).text
    assert incident.reference in page
    assert 'name="discovered_at_0"' not in page
    before = incident.discovered_at
    response = client.post(url, {"discovered_at_0": "2026-01-01", "discovered_at_1": "00:00:00"})
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.discovered_at == before


def test_it_shows_costs_without_letting_staff_change_or_delete_them(client_for, staff, demo):
    from coverage.models import Cost

    cost = Cost.objects.filter(withdrawn_at__isnull=True).first()
    before = cost.amount_excl_vat
    url = reverse("admin:coverage_cost_change", args=[cost.pk])
    client = client_for(staff)
    page = client.get(url)
    assert page.status_code == 200
    assert cost.supplier in page.text
    assert 'name="amount_excl_vat"' not in page.text
    assert client.post(url, {"amount_excl_vat": "1.00"}).status_code == 403
    delete = reverse("admin:coverage_cost_delete", args=[cost.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:coverage_cost_add")).status_code == 403
    cost.refresh_from_db()
    assert cost.amount_excl_vat == before
    assert cost.withdrawn_at is None
