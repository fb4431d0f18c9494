"""The police complaint letter, prefilled from the incident, editable before printing.

Companies cannot use the online complaint service meant for private persons (service-public.fr
F34129): they file at a police or gendarmerie station, or write to the procureur de la
République at the judicial court; in Luxembourg to the Procureur d'État.  In France the
complaint within 72 hours is a condition of any insurance payment for losses from an attack
(Code des assurances, art. L12-10-1).  The receipt is then recorded on the ``complaint`` step.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from incident_app.models import Evidence, Incident, JournalEntry
from playbooks.keys import COMPLAINT

from ..models import ComplaintLetter
from . import inventory
from .rendering import Built, Target, builder, static_base

TEMPLATE = "pdf/complaint.html"
COMPLAINT_DELAY = timedelta(hours=72)

# What the timeline of the facts shows: what happened and what was done, not the software's
# own bookkeeping (reminders sent, documents generated).
TIMELINE_KINDS = (
    JournalEntry.Kind.DECLARED,
    JournalEntry.Kind.STEP_DONE,
    JournalEntry.Kind.FACT_CORRECTED,
    JournalEntry.Kind.EVIDENCE_ADDED,
    JournalEntry.Kind.NOTE,
    JournalEntry.Kind.COST_RECORDED,
)


def default_addressee(incident: Incident) -> str:
    if incident.company.country == "LU":
        return _(
            "Monsieur le Procureur d'État\nParquet de Luxembourg\nCité judiciaire\nL-2080 Luxembourg"
        )
    return _("Monsieur le Procureur de la République\nTribunal judiciaire de …")


def letter_for(incident: Incident) -> ComplaintLetter:
    """The incident's letter, or a prefilled one not saved yet (saved when first edited)."""
    return ComplaintLetter.objects.filter(incident=incident).first() or ComplaintLetter(
        incident=incident, addressee=default_addressee(incident), facts=incident.description
    )


def timeline(incident: Incident) -> list[JournalEntry]:
    return list(
        incident.journal.filter(kind__in=TIMELINE_KINDS).select_related("actor").order_by("seq")
    )


@builder("complaint")
def build(target: Target, *, lang: str, now: datetime) -> Built:
    incident = target.incident
    letter = letter_for(incident)
    entries = timeline(incident)
    missing = letter.missing()
    if not entries and not letter.facts.strip():
        missing.insert(0, _("aucun fait n'est encore consigné au journal"))
    step = incident.steps.filter(key=COMPLAINT).first()
    return Built(
        TEMPLATE,
        {
            "letter": letter,
            "incident": incident,
            "company": incident.company,
            "policy": incident.policy,
            "timeline": entries,
            "evidence": list(
                Evidence.objects.filter(incident=incident, withdrawn_at__isnull=True).order_by(
                    "uploaded_at", "pk"
                )
            ),
            "missing": missing,
            "step": step,
            "france": incident.company.country == "FR",
            # Said in the letter only when true: L12-10-1's 72 hours run from knowledge.
            "within_72_hours": now <= incident.discovered_at + COMPLAINT_DELAY,
            "generated_at": now,
            "zone": incident.company.timezone,
            "lang": lang,
            "static_base": static_base(),
        },
        (inventory.attachment(incident),),
    )
