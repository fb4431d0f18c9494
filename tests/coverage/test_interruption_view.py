"""Recording the business interruption: times in the company's zone, estimate that grows."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coverage.models import BusinessInterruption

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _url(incident):
    return reverse("interruption_edit", args=[incident.reference])


def _local(moment):
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def test_it_records_an_ongoing_interruption_in_the_company_zone(
    client_for, incident, bi_guarantee, broker
):
    start = (timezone.now() - timedelta(hours=20)).replace(second=0, microsecond=0)
    response = client_for(broker).post(
        _url(incident), {"started_at": _local(start), "hourly_margin": "100"}
    )
    assert response.status_code == 302
    record = BusinessInterruption.objects.get()
    assert record.started_at == start
    assert record.ended_at is None
    page = client_for(broker).get(reverse("coverage_summary", args=[incident.reference]))
    assert escape("l'estimation se met à jour") in page.content.decode()
    # About 20 h (the start was rounded down to the minute), 8 h waiting period, 100 € an hour.
    assert re.search("<strong>1\u202f20[0-2],\\d\\d\u00a0€</strong>", page.content.decode())


def test_it_answers_htmx_with_the_fragment(client_for, incident, bi_guarantee, manager):
    start = datetime(2026, 3, 1, 8, 0, tzinfo=PARIS)
    response = client_for(manager).post(
        _url(incident),
        {
            "started_at": "2026-03-01T08:00",
            "ended_at": "2026-03-02T08:00",
            "annual_margin": "200000",
            "operating_hours_per_year": "2000",
            "extra_costs": "300",
        },
        HTTP_HX_REQUEST="true",
    )
    assert escape("Interruption d'activité enregistrée.") in response.content.decode()
    record = BusinessInterruption.objects.get()
    assert (record.started_at, record.ended_at) == (start, start + timedelta(days=1))
    assert record.extra_costs == Decimal("300")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "started_at": "2026-03-02T08:00",
                "ended_at": "2026-03-01T08:00",
                "hourly_margin": "5",
            },
            "La fin de l'interruption précède son début.",
        ),
        ({"started_at": "2026-03-01T08:00"}, "Indiquez la marge brute horaire"),
        ({"started_at": "2026-03-01T08:00", "hourly_margin": "-3"}, "ne peut pas être négatif"),
        ({"started_at": "2999-03-01T08:00", "hourly_margin": "5"}, "dans le futur"),
        ({"hourly_margin": "5"}, "Indiquez quand l'interruption a commencé."),
    ],
)
def test_it_explains_bad_input_and_changes_nothing(
    client_for, incident, bi_guarantee, manager, data, message
):
    response = client_for(manager).post(_url(incident), data)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not BusinessInterruption.objects.exists()


def test_it_explains_when_the_policy_has_no_such_guarantee(client_for, incident, manager):
    response = client_for(manager).post(
        _url(incident), {"started_at": "2026-03-01T08:00", "hourly_margin": "5"}
    )
    assert escape("pas de garantie pertes d'exploitation") in response.content.decode()
    assert not BusinessInterruption.objects.exists()


def test_it_refuses_the_auditor(client_for, incident, bi_guarantee, auditor):
    response = client_for(auditor).post(
        _url(incident), {"started_at": "2026-03-01T08:00", "hourly_margin": "5"}
    )
    assert response.status_code == 404
    assert not BusinessInterruption.objects.exists()


@pytest.mark.parametrize("zone", ["Europe/Paris", "Indian/Reunion"])
@pytest.mark.parametrize("field", ["started_at", "ended_at"])
@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-06-01T08:00"])
@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_an_implausible_year_clearly(
    client_for, incident, bi_guarantee, manager, zone, field, typed, htmx
):
    # Year 1 in a zone ahead of UTC once answered 500: its UTC time does not exist.
    incident.company.timezone = zone
    incident.company.save()
    data = {"started_at": "2026-03-01T08:00", "hourly_margin": "100", field: typed}
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(manager).post(_url(incident), data, **extra)
    assert response.status_code in (200, 400)
    assert "Vérifiez l&#x27;année : indiquez une date entre 2000 et 2100." in response.text
    assert not BusinessInterruption.objects.exists()
