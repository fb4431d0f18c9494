"""The company profile: what the documents still lack, the department and its calendar."""

import pytest
from django.core.exceptions import ValidationError

from incident_app.models import Organisation
from incident_app.services.incidents import facts_of


def test_it_lists_what_the_documents_lack(company):
    assert company.profile_missing() == [
        "le numéro SIREN",
        "l'adresse du siège",
        "le département",
        "le représentant légal",
        "le DPO ou le référent données personnelles",
    ]


def test_a_luxembourg_company_has_an_rcs_and_no_department(other_company):
    missing = other_company.profile_missing()
    assert "le numéro RCS" in missing and "le département" not in missing


@pytest.mark.parametrize("code", ["01", "2A", "2B", "57", "67", "95", "971", "976"])
def test_it_accepts_french_departments(company, code):
    company.department = code
    company.full_clean()


@pytest.mark.parametrize("code", ["00", "20", "96", "977", "A1", "6AE"])
def test_it_refuses_what_is_not_a_department(company, code):
    company.department = code
    with pytest.raises(ValidationError):
        company.full_clean()


@pytest.mark.parametrize(("code", "expected"), [("67", True), ("57", True), ("75", False)])
def test_it_knows_alsace_moselle(company, code, expected):
    company.department = code
    assert company.in_alsace_moselle is expected


def test_the_department_reaches_the_deadline_engine(incident):
    incident.company.department = "68"
    incident.company.save()
    assert facts_of(incident).department == "68"


def test_a_luxembourg_company_passes_no_department(other_incident):
    other_incident.company.department = "67"
    assert facts_of(other_incident).department == ""


def test_the_official_name_falls_back_on_the_name(db):
    company = Organisation(name="Lefèvre", kind="company")
    assert company.official_name == "Lefèvre"
    company.legal_name = "Menuiserie Lefèvre SARL"
    assert company.official_name == "Menuiserie Lefèvre SARL"
