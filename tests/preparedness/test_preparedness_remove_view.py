"""Removing an entry: the manager of the company it belongs to, and nobody else."""

from preparedness.models import RosterEntry


def test_the_manager_removes_an_entry(client_for, manager, prepared_company):
    entry = RosterEntry.objects.filter(company=prepared_company).first()
    response = client_for(manager).post(f"/preparation/roster/{entry.pk}/retirer/")
    assert response.status_code == 302
    assert not RosterEntry.objects.filter(pk=entry.pk).exists()


def test_another_company_s_manager_gets_a_404(client_for, outsider, prepared_company):
    entry = RosterEntry.objects.filter(company=prepared_company).first()
    assert client_for(outsider).post(f"/preparation/roster/{entry.pk}/retirer/").status_code == 404
    assert RosterEntry.objects.filter(pk=entry.pk).exists()


def test_a_member_gets_a_404(client_for, member, prepared_company):
    entry = RosterEntry.objects.filter(company=prepared_company).first()
    assert client_for(member).post(f"/preparation/roster/{entry.pk}/retirer/").status_code == 404
    assert RosterEntry.objects.filter(pk=entry.pk).exists()
