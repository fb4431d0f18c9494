"""The coverage summary as JSON, for the dossier and the insurer API."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from coverage.services.recording import record_cost

pytestmark = pytest.mark.django_db


def _url(incident):
    return reverse("coverage_summary_json", args=[incident.reference])


def test_it_returns_the_summary_as_json(client_for, incident, guarantees, broker, manager):
    record_cost(
        incident,
        user=manager,
        guarantee=guarantees["forensic"],
        supplier="Experts SAS",
        incurred_on=date(2026, 3, 2),
        amount_excl_vat=Decimal("1800.5"),
        amount_incl_vat=Decimal("2160.6"),
    )
    response = client_for(broker).get(_url(incident))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["incident"] == incident.reference
    assert data["total_estimated_indemnity"] == "1800.50"
    assert data["overall_limit"] == "500000.00"
    assert data["conditions"][0]["code"] == "complaint_72h"
    assert data["conditions"][0]["status"] == "not_yet"


def test_it_speaks_english_when_asked(client_for, incident, auditor):
    data = client_for(auditor).get(_url(incident), {"lang": "en"}).json()
    assert data["lang"] == "en"
    assert data["guarantees"][0]["label"] == "Assistance and crisis management"


def test_it_falls_back_to_french_for_an_unknown_language(client_for, incident, auditor):
    assert client_for(auditor).get(_url(incident), {"lang": "xx"}).json()["lang"] == "fr"


def test_it_hides_the_summary_from_others(client_for, incident, outsider):
    assert client_for(outsider).get(_url(incident)).status_code == 404


def test_it_names_the_conditions_already_missed(client_for, incident, old_incident, auditor):
    assert client_for(auditor).get(_url(incident)).json()["conditions_missed"] == []
    data = client_for(auditor).get(_url(old_incident)).json()
    assert data["conditions_missed"] == ["complaint_72h"]
