"""What the claim dossier shows: everything its PDF template reads, gathered once.

The compliance table judges each step by its one deadline verdict (``Step.deadline_state``:
the due moment itself is on time), and the conditions of the cover come from
``coverage.services.summary``, so the paper says what the pages say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings

from coverage.services.summary import coverage_summary, terms_of
from coverage.triggers import GUARANTEE_KINDS, guarantee_label
from incident_app.models import Evidence, Incident, Step, verify_chain
from playbooks.deadlines import DeadlineState

from ..models import ClaimDossier

# The origin static files are addressed under in the dossier's HTML.  ``.invalid`` never
# resolves (RFC 2606): nothing under it can reach the network, and the fetcher below serves
# it from disk.
STATIC_ORIGIN = "https://riposte.invalid"


@dataclass(frozen=True)
class ComplianceRow:
    """One step of the response: its deadline against when it was done, and its source."""

    title: str
    verdict: str  # on_time, late, done, overdue, open, not_applicable
    due_at: datetime | None
    done_at: datetime | None
    done_by: str
    proof_reference: str
    note: str
    source: str
    source_short: str
    indemnity_condition: bool


def verdict(step: Step, now: datetime) -> str:
    """The step's deadline verdict as the dossier words it: a step done without a deadline
    to measure is simply "done", one still to do without a deadline is "open"."""
    state = step.deadline_state(now)
    if state is DeadlineState.NO_DEADLINE:
        return "done" if step.status == Step.Status.DONE else "open"
    return str(state)


def short_source(source: str) -> str:
    """The citation without the quoted text: "Code des assurances, art. L12-10-1 (…)"."""
    head, _sep, _rest = source.partition(" : ")
    return head.strip()


def compliance_rows(incident: Incident, now: datetime, lang: str) -> list[ComplianceRow]:
    rows = []
    for step in incident.steps.select_related("done_by").order_by("order"):
        # A step the facts no longer call for is shown only if something was recorded on it.
        if not step.applicable and step.status == Step.Status.TODO:
            continue
        source = step.legal_source
        rows.append(
            ComplianceRow(
                title=step.text("title", lang),
                verdict=verdict(step, now),
                due_at=step.due_at,
                done_at=step.done_at if step.status == Step.Status.DONE else None,
                done_by=step.done_by.display_name if step.done_by_id else "",
                proof_reference=step.proof_reference,
                note=(
                    step.not_applicable_reason
                    if step.status == Step.Status.NOT_APPLICABLE
                    else step.proof_details
                ),
                source=source,
                source_short=short_source(source),
                indemnity_condition=bool(step.rule.get("indemnity_condition")),
            )
        )
    return rows


def cited_sources(rows: list[ComplianceRow]) -> list[dict]:
    """Each full legal text once, with the steps that cite it, in the order of the steps."""
    sources: dict[str, list[str]] = {}
    for row in rows:
        if row.source:
            sources.setdefault(row.source, []).append(row.title)
    return [{"text": text, "titles": titles} for text, titles in sources.items()]


def policy_guarantees(incident: Incident, lang: str) -> list[dict]:
    """Every guarantee of the policy with its terms, in the order of the guarantee kinds."""
    order = list(GUARANTEE_KINDS)
    guarantees = sorted(
        incident.policy.guarantees.all(),
        key=lambda g: order.index(g.kind) if g.kind in order else len(order),
    )
    return [
        {"label": guarantee_label(g.kind, lang), "terms": terms_of(g), "conditions": g.conditions}
        for g in guarantees
    ]


def dossier_context(dossier: ClaimDossier, *, now: datetime, lang: str) -> dict:
    """Everything the PDF template shows, read once."""
    incident = dossier.incident
    policy = incident.policy
    evidence = list(
        Evidence.objects.filter(incident=incident)
        .select_related("uploaded_by", "withdrawn_by", "step")
        .order_by("uploaded_at", "pk")
    )
    for item in evidence:
        item.step_title = item.step.text("title", lang) if item.step_id else ""
    compliance = compliance_rows(incident, now, lang)
    summary = coverage_summary(incident, now=now, lang=lang)
    journal = list(incident.journal.order_by("seq"))
    broken = verify_chain(incident)
    hotline = policy.hotline_display()
    return {
        "dossier": dossier,
        "incident": incident,
        "company": incident.company,
        "policy": policy,
        "insurer": policy.insurer,
        "broker": policy.broker,
        "hotline": hotline,
        "zone": incident.company.timezone,
        "lang": lang,
        "generated_at": now,
        "summary": summary,
        "conditions": [
            {"condition": c, "source": short_source(c.source)} for c in summary.conditions
        ],
        "advice": [{"condition": c, "source": short_source(c.source)} for c in summary.advice],
        "guarantees": policy_guarantees(incident, lang),
        "compliance": compliance,
        "sources": cited_sources(compliance),
        "evidence": evidence,
        "journal": journal,
        "journal_broken": broken,
        "journal_last": journal[-1] if journal else None,
        "static_base": STATIC_ORIGIN + static_path(),
    }


def static_path() -> str:
    # STATIC_URL may name a CDN in production; the dossier only needs its path.
    path = urlsplit(settings.STATIC_URL).path or "/static/"
    return path if path.endswith("/") else path + "/"
