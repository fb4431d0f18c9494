from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from incident_app.models import Incident, JournalEntry, Reminder, Step, verify_chain
from incident_app.services.incidents import correct_facts, open_incident
from incident_app.services.steps import complete_step

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def friday_night(company, policy, manager):
    """Aware Friday 23 Oct 2026 22:15 in Paris, the weekend before the clocks go back."""
    return open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=datetime(2026, 10, 23, 22, 15, tzinfo=PARIS),
        personal_data="no",
        declared_by=manager,
    )


def test_it_opens_an_incident_with_its_reference_steps_and_deadlines(friday_night):
    assert friday_night.reference == f"RIP-{friday_night.created_at.year}-{friday_night.pk:05d}"
    keys = list(friday_night.steps.values_list("key", flat=True))
    assert keys[:2] == ["hotline", "isolate"]
    assert "dpa_notification" not in keys
    complaint = friday_night.steps.get(key="complaint")
    assert complaint.due_at.astimezone(PARIS) == datetime(2026, 10, 26, 21, 15, tzinfo=PARIS)
    assert "L12-10-1" in complaint.definition["source"]
    assert friday_night.playbook_version.startswith("FR-")


def test_it_journals_the_declaration(friday_night, manager):
    entry = friday_night.journal.get()
    assert entry.kind == JournalEntry.Kind.DECLARED
    assert entry.actor == manager
    assert verify_chain(friday_night) is None


def test_it_schedules_reminders_only_for_steps_with_a_deadline(friday_night):
    complaint = friday_night.steps.get(key="complaint")
    offsets = set(complaint.reminders.values_list("offset_minutes", flat=True))
    # The incident was declared long ago: only the overdue notice is still to come.
    assert offsets == {0}
    hotline = friday_night.steps.get(key="hotline")
    assert not hotline.reminders.exists()


def test_it_schedules_every_reminder_for_a_fresh_incident(incident):
    complaint = incident.steps.get(key="complaint")
    reminders = complaint.reminders.filter(cancelled_at__isnull=True)
    assert set(reminders.values_list("offset_minutes", flat=True)) == {1440, 360, 60, 0}
    overdue = reminders.get(offset_minutes=0)
    assert overdue.fire_at == complaint.due_at


def test_it_moves_deadlines_and_reminders_when_discovery_is_corrected(incident, manager):
    complaint = incident.steps.get(key="complaint")
    earlier = incident.discovered_at - timedelta(hours=10)
    change = correct_facts(incident, actor=manager, discovered_at=earlier)
    complaint.refresh_from_db()
    assert complaint.due_at == earlier + timedelta(hours=72)
    assert "complaint" in change.moved
    assert Reminder.objects.get(step=complaint, offset_minutes=0).fire_at == complaint.due_at
    kinds = list(incident.journal.values_list("kind", flat=True))
    assert kinds[-2:] == [JournalEntry.Kind.FACT_CORRECTED, JournalEntry.Kind.PLAN_CHANGED]
    assert verify_chain(incident) is None


def test_it_explains_the_new_plan_in_the_company_language(company, incident, manager):
    company.language = "en"
    company.save(update_fields=["language"])
    correct_facts(
        incident, actor=manager, discovered_at=incident.discovered_at - timedelta(hours=10)
    )
    entry = incident.journal.get(kind=JournalEntry.Kind.PLAN_CHANGED)
    assert entry.text == "Facts corrected. " + " ".join(entry.data["explanation"]["en"])


def test_it_adds_the_data_protection_step_when_personal_data_turns_out_at_risk(
    friday_night, manager
):
    learned = datetime(2026, 10, 25, 9, 0, tzinfo=PARIS)
    change = correct_facts(
        friday_night, actor=manager, personal_data="yes", personal_data_aware_at=learned
    )
    assert "dpa_notification" in change.added
    dpa = friday_night.steps.get(key="dpa_notification")
    assert dpa.due_at == learned + timedelta(hours=72)
    assert dpa.status == Step.Status.TODO


def test_it_keeps_what_was_done_when_facts_change(incident, manager):
    dpa = incident.steps.get(key="dpa_notification")
    complete_step(dpa, user=manager, proof_reference="CNIL-2026-123")
    change = correct_facts(incident, actor=manager, personal_data="no")
    dpa.refresh_from_db()
    assert dpa.status == Step.Status.DONE
    assert dpa.proof_reference == "CNIL-2026-123"
    assert "dpa_notification" in change.kept


def test_it_hides_an_open_step_that_no_longer_applies(incident, manager):
    correct_facts(incident, actor=manager, personal_data="no")
    dpa = incident.steps.get(key="dpa_notification")
    assert dpa.applicable is False
    assert not dpa.reminders.filter(claimed_at__isnull=True, cancelled_at__isnull=True).exists()


def test_it_changes_nothing_when_the_facts_are_the_same(incident, manager):
    before = incident.journal.count()
    assert correct_facts(incident, actor=manager, personal_data="unknown") is None
    assert incident.journal.count() == before


def test_it_refuses_a_completion_time_in_the_future(incident, manager):
    from django.core.exceptions import ValidationError

    step = incident.steps.get(key="hotline")
    with pytest.raises(ValidationError):
        complete_step(step, user=manager, done_at=timezone.now() + timedelta(minutes=5))
    step.refresh_from_db()
    assert step.status == Step.Status.TODO


def test_it_records_a_completion_stated_in_the_past(incident, manager):
    step = incident.steps.get(key="complaint")
    done_at = incident.discovered_at + timedelta(minutes=30)
    complete_step(step, user=manager, done_at=done_at, proof_reference="PV 2026/1")
    entry = incident.journal.last()
    assert entry.occurred_at == done_at
    assert entry.created_at > done_at
    assert entry.data["on_time"] is True
    assert Incident.objects.get(pk=incident.pk).steps.get(key="complaint").done_by == manager
