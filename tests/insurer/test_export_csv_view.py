"""The compliance table as CSV, streamed."""

import csv
import io

import pytest
from django.urls import reverse


def _rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_it_streams_one_row_per_incident_with_french_headers(client_for, auditor, portfolio):
    response = client_for(auditor).get(reverse("insurer_export_csv"), {"lang": "fr"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body, rows = _rows(response)
    assert not body.startswith("\ufeff")
    assert rows[0][:2] == ["Référence", "Entreprise"]
    assert "Dépôt de plainte : verdict" in rows[0]
    references = {row[0] for row in rows[1:]}
    assert references == {portfolio["incident"].reference, portfolio["second"].reference}
    mine = next(row for row in rows[1:] if row[0] == portfolio["incident"].reference)
    assert mine[rows[0].index("Dépôt de plainte : verdict")] == "on_time"
    assert mine[rows[0].index("Déclaration de sinistre : verdict")] == "overdue"
    assert mine[1] == "Menuiserie Lefèvre"


def test_it_writes_english_headers_and_a_byte_order_mark_when_asked(client_for, auditor, portfolio):
    response = client_for(auditor).get(reverse("insurer_export_csv"), {"lang": "en", "bom": "1"})
    body, rows = _rows(response)
    assert body.startswith("\ufeff")
    assert rows[0][:2] == ["Reference", "Company"]


def test_it_exports_the_filtered_selection(client_for, auditor, portfolio):
    response = client_for(auditor).get(reverse("insurer_export_csv"), {"country": "LU"})
    _body, rows = _rows(response)
    assert [row[0] for row in rows[1:]] == [portfolio["second"].reference]


def test_it_refuses_nonsense_filters(client_for, auditor, portfolio):
    response = client_for(auditor).get(reverse("insurer_export_csv"), {"start": "yesterday"})
    assert response.status_code == 400


def test_it_exports_only_the_other_insurers_own_incidents(client_for, other_auditor, portfolio):
    _body, rows = _rows(client_for(other_auditor).get(reverse("insurer_export_csv")))
    assert [row[0] for row in rows[1:]] == [portfolio["other"].reference]


@pytest.mark.parametrize("who", ["broker", "manager", "outsider"])
def test_it_is_a_404_for_anyone_but_an_auditor(client_for, portfolio, who, request):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("insurer_export_csv")).status_code == 404
