"""Each claim's summary row (``ClaimSummary``), kept in step with what it sums up.

Everything that changes an incident writes a journal entry in the same transaction (a step
done, evidence added, a cost, the facts corrected, a request answered…): the row is
recomputed when such an entry is saved, so the portfolio's sorts and filters read rows
that are as current as the journal.
"""

from django.db.models import Count, Min, Q
from django.utils import timezone

from incident_app.models import Incident, JournalEntry

from . import completeness
from .models import ClaimSummary, ClientRequest

# Entries that change nothing the summary holds: no recomputation for them.
QUIET_KINDS = frozenset(
    {
        JournalEntry.Kind.REMINDER_SENT,
        JournalEntry.Kind.DEADLINE_MISSED,
        JournalEntry.Kind.NOTE,
        JournalEntry.Kind.BROKER_NOTE,
        JournalEntry.Kind.COMMUNICATION_SENT,
        JournalEntry.Kind.MEMBER_INVITED,
        JournalEntry.Kind.EXPERT_GRANTED,
        JournalEntry.Kind.EXPERT_REVOKED,
        JournalEntry.Kind.EXPERT_VIEWED,
        JournalEntry.Kind.DOSSIER_GENERATED,
    }
)


def refresh(incident: Incident, now=None) -> ClaimSummary:
    """Recompute the incident's summary row from its checklist, steps and requests."""
    checklist = completeness.checklist(incident)
    next_due = incident.steps.filter(applicable=True, status="todo").aggregate(at=Min("due_at"))[
        "at"
    ]
    counts = ClientRequest.objects.filter(incident=incident).aggregate(
        open=Count("pk", filter=Q(status__in=ClientRequest.OPEN)),
        answered=Count("pk", filter=Q(status=ClientRequest.Status.ANSWERED)),
    )
    summary, _ = ClaimSummary.objects.update_or_create(
        incident=incident,
        defaults={
            "present": checklist.present_count,
            "required": len(checklist.required),
            "percent": checklist.score,
            "missing": [item.key for item in checklist.missing],
            "next_due_at": next_due,
            "open_requests": counts["open"],
            "answered_requests": counts["answered"],
            "refreshed_at": now or timezone.now(),
        },
    )
    return summary


def on_journal_entry(sender, instance: JournalEntry, created: bool, raw=False, **kwargs):
    if created and not raw and instance.kind not in QUIET_KINDS:
        refresh(instance.incident)
