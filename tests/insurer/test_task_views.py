"""The compliance report and the journals' verification: asked, run by the worker, shown."""

import io

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from insurer import tasks
from insurer.models import AuditTask
from insurer.services import tasks as task_service


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.run_audit_task, "delay", calls.append)
    return calls


def _ask(client, name, query, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"{reverse(name)}?{query}")


def test_it_renders_the_report_in_the_worker_and_offers_the_pdf(
    client_for, auditor, portfolio, sent, django_capture_on_commit_callbacks
):
    client = client_for(auditor)
    response = _ask(client, "insurer_report", "country=FR", django_capture_on_commit_callbacks)
    task = AuditTask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insurer_task", args=[task.pk])
    assert sent == [task.pk]
    assert task.status == "pending"
    assert task.filters == {"country": "FR"}
    page = client.get(reverse("insurer_task", args=[task.pk]))
    assert "<progress" in page.text
    assert task_service.run(task.pk)
    task.refresh_from_db()
    assert (task.status, task.progress) == ("ready", 100)
    download = client.get(reverse("insurer_task_download", args=[task.pk]))
    assert download["Content-Type"] == "application/pdf"
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    )
    assert "Rapport de conformité des délais" in text
    assert "Porter plainte" in text
    assert "1 incident" in text


def test_it_stops_polling_once_the_task_is_finished(client_for, auditor, portfolio, sent):
    client = client_for(auditor)
    client.post(reverse("insurer_verify"))
    task = AuditTask.objects.get()
    polling = client.get(reverse("insurer_task", args=[task.pk]), HTTP_HX_REQUEST="true")
    assert polling.status_code == 200
    task_service.run(task.pk)
    finished = client.get(reverse("insurer_task", args=[task.pk]), HTTP_HX_REQUEST="true")
    assert finished.status_code == 286


def test_it_runs_a_task_once(auditor, portfolio, sent, client_for):
    client_for(auditor).post(reverse("insurer_verify"))
    task = AuditTask.objects.get()
    assert task_service.run(task.pk) is True
    assert task_service.run(task.pk) is False


def test_it_lists_intact_and_broken_journals(client_for, auditor, portfolio, sent):
    broken = portfolio["incident"]
    with connection.cursor() as cursor:
        # Tampering behind the application's back, as an attacker with database access would.
        cursor.execute(
            "UPDATE incident_app_journalentry SET text = 'rien' WHERE incident_id = %s AND seq = 1",
            [broken.pk],
        )
    client = client_for(auditor)
    client.post(reverse("insurer_verify"))
    task = AuditTask.objects.get()
    task_service.run(task.pk)
    task.refresh_from_db()
    assert task.result["checked"] == 2
    assert task.result["intact"] == [portfolio["second"].reference]
    assert [b["reference"] for b in task.result["broken"]] == [broken.reference]
    text = client.get(reverse("insurer_task", args=[task.pk])).text
    assert "2 journaux vérifiés : 1 intacts, 1 rompus." in text
    assert f"{broken.reference}</a> — rompu au n° 1" in text


def test_it_verifies_only_the_filtered_selection(client_for, auditor, portfolio, sent):
    client_for(auditor).post(f"{reverse('insurer_verify')}?country=LU")
    task = AuditTask.objects.get()
    task_service.run(task.pk)
    task.refresh_from_db()
    assert task.result["intact"] == [portfolio["second"].reference]


def test_it_asks_nothing_with_nonsense_filters(client_for, auditor, portfolio, sent):
    response = client_for(auditor).post(f"{reverse('insurer_report')}?start=nope")
    assert response.status_code == 302
    assert not AuditTask.objects.exists()


def test_it_hides_a_task_from_another_insurer(client_for, auditor, other_auditor, portfolio, sent):
    client_for(auditor).post(reverse("insurer_report"))
    task = AuditTask.objects.get()
    task_service.run(task.pk)
    other = client_for(other_auditor)
    assert other.get(reverse("insurer_task", args=[task.pk])).status_code == 404
    assert other.get(reverse("insurer_task_download", args=[task.pk])).status_code == 404


@pytest.mark.parametrize("who", ["broker", "manager", "outsider"])
def test_it_is_a_404_for_anyone_but_an_auditor(client_for, portfolio, who, request, sent):
    client = client_for(request.getfixturevalue(who))
    assert client.post(reverse("insurer_report")).status_code == 404
    assert client.post(reverse("insurer_verify")).status_code == 404
    assert not AuditTask.objects.exists()


def test_it_refuses_to_ask_with_a_get(client_for, auditor, portfolio, sent):
    assert client_for(auditor).get(reverse("insurer_report")).status_code == 405


def test_it_has_no_pdf_for_a_verification(client_for, auditor, portfolio, sent):
    client = client_for(auditor)
    client.post(reverse("insurer_verify"))
    task = AuditTask.objects.get()
    task_service.run(task.pk)
    assert client.get(reverse("insurer_task_download", args=[task.pk])).status_code == 404
