"""Saving the preparedness page: the manager's profile and entries; bad input changes nothing."""

import pytest

from preparedness.models import DirectoryEntry, MessageTemplate, RosterEntry


def test_it_saves_the_profile(client_for, manager, company):
    response = client_for(manager).post(
        "/preparation/profile/",
        {
            "profile-legal_name": "Menuiserie Lefèvre SARL",
            "profile-registration_number": "123456789",
            "profile-address": "4 rue des Tanneurs, Metz",
            "profile-department": "57",
            "profile-legal_representative": "Claire Lefèvre",
            "profile-dpo_contact": "dpo@lefevre.example",
            "profile-sector": "Menuiserie",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.department == "57" and company.in_alsace_moselle
    assert company.legal_name == "Menuiserie Lefèvre SARL"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("profile-department", "99", "n&#x27;est pas un département français"),
        ("profile-registration_number", "12AB", "Un SIREN compte 9 chiffres"),
    ],
)
def test_it_refuses_a_bad_profile_and_changes_nothing(
    client_for, manager, company, field, value, message
):
    response = client_for(manager).post("/preparation/profile/", {field: value})
    assert response.status_code == 400
    assert message in response.text
    company.refresh_from_db()
    assert company.department == "" and company.registration_number == ""


def test_it_adds_a_crisis_cell_member_with_a_mobile(client_for, manager, company):
    response = client_for(manager).post(
        "/preparation/roster/",
        {
            "roster-name": "Inès Martin",
            "roster-role": "Communication",
            "roster-mobile": "06 12 34 56 78",
            "roster-may_call_hotline": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/preparation/#roster"
    entry = RosterEntry.objects.get(company=company)
    assert str(entry.mobile) == "+33612345678" and entry.may_call_hotline


def test_it_refuses_a_phone_number_that_is_not_one(client_for, manager, company):
    response = client_for(manager).post(
        "/preparation/roster/",
        {"roster-name": "Inès", "roster-role": "Com", "roster-mobile": "pas de mobile"},
    )
    assert response.status_code == 400
    assert "numéro de téléphone" in response.text
    assert not RosterEntry.objects.exists()


def test_it_adds_a_directory_entry_and_a_message(client_for, manager, company):
    client = client_for(manager)
    client.post(
        "/preparation/directory/",
        {
            "directory-kind": "lawyer",
            "directory-name": "Maître Weiss",
            "directory-phone": "+33388112236",
        },
    )
    client.post(
        "/preparation/template/",
        {
            "template-audience": "clients",
            "template-title": "Service perturbé",
            "template-body": "…",
        },
    )
    assert DirectoryEntry.objects.get(company=company).kind == "lawyer"
    assert MessageTemplate.objects.get(company=company).title == "Service perturbé"


def test_a_manager_saves_into_their_own_company_only(client_for, outsider, company, other_company):
    client_for(outsider).post(
        "/preparation/roster/",
        {"roster-name": "X", "roster-role": "Y", "roster-mobile": "+33612345678"},
    )
    assert RosterEntry.objects.get().company == other_company


@pytest.mark.parametrize("who", ["member", "broker"])
def test_only_the_manager_of_the_company_saves(client_for, request, who, company):
    response = client_for(request.getfixturevalue(who)).post(
        "/preparation/roster/",
        {"roster-name": "X", "roster-role": "Y", "roster-mobile": "+33612345678"},
    )
    assert response.status_code == 404
    assert not RosterEntry.objects.filter(company=company).exists()


def test_an_unknown_part_is_a_404(client_for, manager):
    assert client_for(manager).post("/preparation/nothing/").status_code == 404
