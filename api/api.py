"""The read-only JSON API (django-ninja): what an organisation's systems may read of the
incidents its members see, with an OpenAPI description served at ``/api/v1/openapi.json``.

A request authenticates with an organisation's token (``Authorization: Bearer rip_…``) or as
a signed-in person; either way the incidents come from the one visibility rule
(``incident_app.access``), so an incident out of reach is a 404 like on the pages.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle
from pydantic import Field

from coverage.services.summary import coverage_summary
from documents.models import ClaimDossier
from incident_app import access
from incident_app.models import Evidence, Incident, JournalEntry, Step

from .models import ApiToken, hash_token

# A token's last use is written at most this often: one write per request would double the
# cost of a page for a system that synchronises every minute.
LAST_USE_PRECISION = timedelta(minutes=1)
MAX_LIMIT = 200


class Principal:
    """Who is asking: an organisation's token, or a signed-in person."""

    def __init__(self, *, token: ApiToken | None = None, user=None):
        self.token, self.user = token, user

    def incidents(self):
        if self.token is not None:
            return access.visible_to_organisation(self.token.organisation)
        return access.visible_incidents(self.user)

    def __str__(self):
        return f"token:{self.token.pk}" if self.token else f"user:{self.user.pk}"


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("organisation")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or found.last_used_at < now - LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return Principal(token=found)


class UserAuth(SessionAuth):
    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return Principal(user=request.user)
        return None


class PrincipalThrottle(SimpleRateThrottle):
    """``RIPOSTE_API_RATE`` requests per token or person (read at each request)."""

    scope = "riposte"

    def __init__(self):
        super().__init__(rate=settings.RIPOSTE_API_RATE)

    def allow_request(self, request):
        self.rate = settings.RIPOSTE_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": str(request.auth)}


api = NinjaAPI(
    title="Riposte API",
    version="1",
    description=(
        "Read-only access to the incidents an organisation sees: steps and deadlines, the "
        "hash-chained journal, evidence metadata, the coverage summary and the claim "
        "dossiers. Authenticate with `Authorization: Bearer <token>`."
    ),
    auth=[TokenAuth(), UserAuth()],
    throttle=[PrincipalThrottle()],
    urls_namespace="api",
    docs_url=None,
)


# --- schemas ------------------------------------------------------------------------------------


class Party(Schema):
    name: str
    country: str | None = None


class PolicyOut(Schema):
    number: str
    insurer: str
    broker: str | None


class JournalHead(Schema):
    seq: int
    hash: str


class IncidentOut(Schema):
    reference: str
    company: Party
    policy: PolicyOut
    kinds: list[str]
    status: str
    discovered_at: datetime
    personal_data: str
    nis2_entity: bool
    created_at: datetime
    updated_at: datetime
    journal_head: JournalHead


class StepOut(Schema):
    key: str
    order: int
    title: str
    status: str
    applicable: bool
    due_at: datetime | None
    done_at: datetime | None
    deadline_state: str = Field(
        description="on_time, late, overdue, open, done (no deadline) or not_applicable"
    )
    proof_reference: str
    legal_source: str


class IncidentDetail(IncidentOut):
    steps: list[StepOut]


class IncidentPage(Schema):
    items: list[IncidentOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class JournalEntryOut(Schema):
    seq: int
    created_at: datetime
    occurred_at: datetime | None
    actor_id: int | None
    actor_label: str
    kind: str
    text: str
    data: dict
    prev_hash: str
    hash: str
    canonical: str = Field(
        description="The entry's canonical JSON: hash = SHA-256(prev_hash + canonical)."
    )


class JournalPage(Schema):
    items: list[JournalEntryOut]
    next_cursor: str | None


class ClaimStateOut(Schema):
    at: datetime
    previous: str | None
    state: str
    reason: str
    actor: str


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    description: str
    step: str | None
    uploaded_at: datetime
    uploaded_by: str
    withdrawn_at: datetime | None
    withdrawn_reason: str


class DossierOut(Schema):
    version: int
    status: str
    sha256: str
    requested_at: datetime
    generated_at: datetime | None


class Error(Schema):
    detail: str


# --- helpers ------------------------------------------------------------------------------------

_SIGNER = signing.Signer(salt="api.cursor")


def encode_cursor(values: list) -> str:
    raw = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    return _SIGNER.sign(raw)


def decode_cursor(cursor: str) -> list:
    try:
        raw = _SIGNER.unsign(cursor)
        return json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise HttpError(400, "Invalid cursor: use the next_cursor of a previous page.") from error


def _incident(request, reference: str) -> Incident:
    try:
        return (
            request.auth.incidents()
            .select_related("company", "policy__insurer", "policy__broker")
            .defer("playbook_snapshot")
            .get(reference=reference)
        )
    except Incident.DoesNotExist as missing:
        raise Http404 from missing


def incident_out(incident: Incident) -> dict:
    policy = incident.policy
    return {
        "reference": incident.reference,
        "company": {"name": incident.company.name, "country": incident.company.country},
        "policy": {
            "number": policy.number,
            "insurer": policy.insurer.name,
            "broker": policy.broker.name if policy.broker_id else None,
        },
        "kinds": incident.kinds,
        "status": incident.status,
        "discovered_at": incident.discovered_at,
        "personal_data": incident.personal_data,
        "nis2_entity": incident.nis2_entity,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "journal_head": {"seq": incident.journal_head_seq, "hash": incident.journal_head_hash},
    }


def deadline_state(step: Step, now) -> str:
    """By the audit's rule: done at the due moment is on time; overdue once now > due."""
    if step.status == Step.Status.NOT_APPLICABLE:
        return "not_applicable"
    if step.status == Step.Status.DONE:
        if step.due_at is None or step.done_at is None:
            return "done"
        return "late" if step.done_at > step.due_at else "on_time"
    if step.due_at is not None and now > step.due_at:
        return "overdue"
    return "open"


def step_out(step: Step, now) -> dict:
    rule = step.definition.get("rule") or {}
    return {
        "key": step.key,
        "order": step.order,
        "title": step.text("title", "fr"),
        "status": step.status,
        "applicable": step.applicable,
        "due_at": step.due_at,
        "done_at": step.done_at,
        "deadline_state": deadline_state(step, now),
        "proof_reference": step.proof_reference,
        "legal_source": rule.get("source") or step.definition.get("source") or "",
    }


# --- endpoints ----------------------------------------------------------------------------------


class IncidentFilters(Schema):
    cursor: str | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    updated_since: datetime | None = Field(
        None, description="Only incidents changed at or after this moment (ISO 8601)."
    )


@api.get("/incidents", response=IncidentPage, url_name="incident_list", tags=["incidents"])
def incident_list(request, filters: Query[IncidentFilters]):
    """The incidents visible to the caller, oldest change first, for synchronisation."""
    incidents = request.auth.incidents().select_related(
        "company", "policy__insurer", "policy__broker"
    )
    if filters.updated_since is not None:
        since = filters.updated_since
        if timezone.is_naive(since):
            raise HttpError(400, "updated_since needs a time zone (e.g. 2026-10-01T00:00:00Z).")
        incidents = incidents.filter(updated_at__gte=since)
    if filters.cursor:
        values = decode_cursor(filters.cursor)
        try:
            after, pk = datetime.fromisoformat(values[0]), int(values[1])
        except (IndexError, ValueError, TypeError) as error:
            raise HttpError(
                400, "Invalid cursor: use the next_cursor of a previous page."
            ) from error
        incidents = incidents.filter(Q(updated_at__gt=after) | Q(updated_at=after, pk__gt=pk))
    page = list(
        incidents.defer("playbook_snapshot", "description").order_by("updated_at", "pk")[
            : filters.limit + 1
        ]
    )
    more = len(page) > filters.limit
    page = page[: filters.limit]
    next_cursor = (
        encode_cursor([page[-1].updated_at.isoformat(), page[-1].pk]) if more and page else None
    )
    return {"items": [incident_out(i) for i in page], "next_cursor": next_cursor}


@api.get(
    "/incidents/{reference}",
    response={200: IncidentDetail, 404: Error},
    url_name="incident_detail",
    tags=["incidents"],
)
def incident_detail(request, reference: str):
    """One incident with its steps, deadlines and completion."""
    incident = _incident(request, reference)
    now = timezone.now()
    data = incident_out(incident)
    data["steps"] = [step_out(s, now) for s in incident.steps.order_by("order")]
    return data


@api.get(
    "/incidents/{reference}/steps",
    response={200: list[StepOut], 404: Error},
    url_name="incident_steps",
    tags=["incidents"],
)
def incident_steps(request, reference: str):
    incident = _incident(request, reference)
    now = timezone.now()
    return [step_out(s, now) for s in incident.steps.order_by("order")]


@api.get(
    "/incidents/{reference}/journal",
    response={200: JournalPage, 404: Error},
    url_name="incident_journal",
    tags=["journal"],
)
def incident_journal(
    request,
    reference: str,
    cursor: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
):
    """The journal's entries in order, with their hashes: the chain can be verified outside
    Riposte (hash = SHA-256 of the previous hash followed by the canonical content; the first
    entry's previous hash is 64 zeros; the last hash equals the incident's journal head)."""
    incident = _incident(request, reference)
    entries = JournalEntry.objects.filter(incident=incident).order_by("seq")
    if cursor:
        values = decode_cursor(cursor)
        if not isinstance(values, list) or not values or not isinstance(values[0], int):
            raise HttpError(400, "Invalid cursor: use the next_cursor of a previous page.")
        entries = entries.filter(seq__gt=values[0])
    page = list(entries[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    items = []
    for entry in page:
        entry.incident = incident
        items.append(
            {
                "seq": entry.seq,
                "created_at": entry.created_at,
                "occurred_at": entry.occurred_at,
                "actor_id": entry.actor_id,
                "actor_label": entry.actor_label,
                "kind": entry.kind,
                "text": entry.text,
                "data": entry.data,
                "prev_hash": entry.prev_hash,
                "hash": entry.hash,
                "canonical": entry.canonical_content(),
            }
        )
    return {
        "items": items,
        "next_cursor": encode_cursor([page[-1].seq]) if more and page else None,
    }


@api.get(
    "/incidents/{reference}/claim-states",
    response={200: list[ClaimStateOut], 404: Error},
    url_name="incident_claim_states",
    tags=["incidents"],
)
def incident_claim_states(request, reference: str):
    """The claim's states over time, as the journal recorded each change."""
    incident = _incident(request, reference)
    changes = incident.journal.filter(kind=JournalEntry.Kind.STATUS_CHANGED).order_by("seq")
    return [
        {
            "at": entry.created_at,
            "previous": entry.data.get("from"),
            "state": entry.data.get("to", ""),
            "reason": entry.data.get("reason", ""),
            "actor": entry.actor_label,
        }
        for entry in changes
    ]


@api.get(
    "/incidents/{reference}/evidence",
    response={200: list[EvidenceOut], 404: Error},
    url_name="incident_evidence",
    tags=["evidence"],
)
def incident_evidence(request, reference: str):
    """What each piece of evidence is and its SHA-256; the files themselves stay in Riposte."""
    incident = _incident(request, reference)
    items = (
        Evidence.objects.filter(incident=incident)
        .select_related("uploaded_by", "step")
        .order_by("uploaded_at", "pk")
    )
    return [
        {
            "id": e.pk,
            "name": e.original_name,
            "content_type": e.content_type,
            "size": e.size,
            "sha256": e.sha256,
            "description": e.description,
            "step": e.step.key if e.step_id else None,
            "uploaded_at": e.uploaded_at,
            "uploaded_by": e.uploaded_by.display_name,
            "withdrawn_at": e.withdrawn_at,
            "withdrawn_reason": e.withdrawn_reason,
        }
        for e in items
    ]


@api.get(
    "/incidents/{reference}/coverage",
    response={200: dict, 404: Error},
    url_name="incident_coverage",
    tags=["coverage"],
)
def incident_coverage(request, reference: str, lang: str = Query("fr", pattern="^(fr|en)$")):
    """What the policy is estimated to pay and the conditions of the cover."""
    incident = _incident(request, reference)
    return coverage_summary(incident, lang=lang).as_dict()


@api.get(
    "/incidents/{reference}/dossiers",
    response={200: list[DossierOut], 404: Error},
    url_name="incident_dossiers",
    tags=["dossiers"],
)
def incident_dossiers(request, reference: str):
    """The claim dossier's versions with the SHA-256 of each PDF."""
    incident = _incident(request, reference)
    return [
        {
            "version": d.version,
            "status": d.status,
            "sha256": d.sha256,
            "requested_at": d.requested_at,
            "generated_at": d.generated_at,
        }
        for d in ClaimDossier.objects.filter(incident=incident).order_by("version")
    ]
