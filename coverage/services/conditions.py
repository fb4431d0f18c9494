"""The conditions that protect the cover, each with where it stands and what proves it.

The deadlines are judged by the steps' one verdict (``Step.deadline_state``, the due moment
itself still on time); the complaint reads its rule (hours, condition of the insurance payment
or advice only) from the incident's playbook, which the company's country chooses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.language import language_code
from incident_app.models import Evidence, Incident, Step
from incident_app.services.incidents import playbook_of
from playbooks import keys
from playbooks.deadlines import DeadlineState, deadline_state
from playbooks.timecalc import add_clock_hours

from ..models import ConditionAttestation, Cost, Guarantee
from ..triggers import GUARANTEE_KINDS, INCIDENT_KINDS, triggered_kinds
from .formatting import json_moment

COMPLAINT_STEP = keys.COMPLAINT
CLAIM_DECLARATION_STEP = keys.CLAIM_DECLARATION


class Status:
    """Where a condition of the cover stands."""

    MET = "met"
    NOT_YET = "not_yet"
    MISSED = "missed"
    TO_CONFIRM = "to_confirm"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class EvidenceRef:
    pk: int
    name: str
    sha256: str

    @classmethod
    def of(cls, evidence: Evidence) -> EvidenceRef:
        return cls(evidence.pk, evidence.original_name, evidence.sha256)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "name": self.name, "sha256": self.sha256}


@dataclass(frozen=True)
class Condition:
    """A condition that protects the cover, where it stands, and what proves it.

    ``advisory`` conditions are advice (no law or clause makes the payment depend on them),
    shown apart from the real conditions.
    """

    code: str
    title: str
    status: str
    source: str
    advisory: bool = False
    due_at: datetime | None = None
    done_at: datetime | None = None
    proof_reference: str = ""
    note: str = ""
    evidence: list[EvidenceRef] = field(default_factory=list)
    guarantee_pk: int | None = None
    guarantee_kind: str = ""
    attested_by: str = ""
    attested_at: datetime | None = None

    @property
    def proof_missing(self) -> bool:
        """Met by a recorded step, but with nothing to show it: no reference, no file. The
        insurer will ask for the receipt; better to add it while it is at hand."""
        return (
            self.status == Status.MET
            and self.code != "guarantee_condition"
            and not self.proof_reference
            and not self.evidence
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "status": self.status,
            "advisory": self.advisory,
            "source": self.source,
            "due_at": json_moment(self.due_at),
            "done_at": json_moment(self.done_at),
            "proof_reference": self.proof_reference,
            "note": self.note,
            "evidence": [evidence.as_dict() for evidence in self.evidence],
            "proof_missing": self.proof_missing,
            "guarantee": self.guarantee_kind or None,
            "attested_by": self.attested_by,
            "attested_at": json_moment(self.attested_at),
        }


def protective_conditions(
    incident: Incident,
    *,
    now: datetime | None = None,
    lang: str = "fr",
    guarantees=None,
    steps=None,
    evidence=None,
) -> tuple[list[Condition], list[Condition]]:
    """The conditions of the cover and, apart, the advice, each with its status and proof.

    1. The complaint, by the rule of the incident's playbook (``complaint_rule``). France: the
       complaint within 72 h of the victim's knowledge of the attack conditions any payment
       for losses from it (Code des assurances, art. L12-10-1, public-order rule).  In
       Luxembourg no law sets it: the same 72 h are shown as advice only.
    2. The claim declared within the policy's delay (C. assur. art. L113-2 4° in France; the
       policy in Luxembourg).
    3. Each condition written in a shown guarantee (``Guarantee.conditions``): "to confirm"
       until a manager of the company attests it.

    ``steps`` and ``evidence`` (all the incident's evidence, withdrawn included) may be passed
    by a page that already read them, to spare reading them again.
    """
    now = now or timezone.now()
    lang = language_code(lang)
    steps = {step.key: step for step in (incident.steps.all() if steps is None else steps)}
    if evidence is not None:
        kept = sorted(
            (item for item in evidence if item.withdrawn_at is None), key=lambda e: e.uploaded_at
        )
        for step in steps.values():
            step.kept_evidence = [item for item in kept if item.step_id == step.pk]
    conditions: list[Condition] = []
    advice: list[Condition] = []
    with translation.override(lang):
        complaint = _complaint_condition(incident, steps.get(COMPLAINT_STEP), now, lang)
        (conditions if not complaint.advisory else advice).append(complaint)
        declaration = steps.get(CLAIM_DECLARATION_STEP)
        if declaration is not None:
            conditions.append(
                _step_condition(
                    declaration,
                    code="claim_declaration",
                    title=_(
                        "Sinistre déclaré à l'assureur dans le délai du contrat (%(days)s jours ouvrés)"
                    )
                    % {"days": incident.policy.claim_declaration_days},
                    now=now,
                    lang=lang,
                )
            )
        if guarantees is None:
            known = [kind for kind in incident.kinds if kind in INCIDENT_KINDS]
            triggered = set(triggered_kinds(known, incident.personal_data))
            # One query: the policy's guarantees, each saying whether costs (not withdrawn) were
            # recorded on it and whether its condition was attested for this incident. They are
            # sorted below: the model's ordering would join the policy for nothing.
            of_incident = {"incident_id": incident.pk, "guarantee_id": OuterRef("pk")}
            guarantees = [
                g
                for g in Guarantee.objects.filter(policy_id=incident.policy_id)
                .annotate(
                    has_costs=Exists(Cost.objects.filter(**of_incident, withdrawn_at__isnull=True)),
                    attested=Exists(ConditionAttestation.objects.filter(**of_incident)),
                )
                .order_by()
                if g.kind in triggered or g.has_costs
            ]
        attestations = {}
        if any(
            guarantee.conditions.strip() and getattr(guarantee, "attested", True)
            for guarantee in guarantees
        ):
            attestations = {
                a.guarantee_id: a
                for a in ConditionAttestation.objects.filter(incident=incident).select_related(
                    "attested_by"
                )
            }
        order = list(GUARANTEE_KINDS)
        for guarantee in sorted(guarantees, key=lambda g: order.index(g.kind)):
            if not guarantee.conditions.strip():
                continue
            attestation = attestations.get(guarantee.pk)
            conditions.append(
                Condition(
                    code="guarantee_condition",
                    title=guarantee.conditions.strip(),
                    status=Status.MET if attestation else Status.TO_CONFIRM,
                    source=_("Contrat %(number)s, garantie « %(label)s »")
                    % {
                        "number": incident.policy.number,
                        "label": GUARANTEE_KINDS[guarantee.kind].label[lang],
                    },
                    note=attestation.statement if attestation else "",
                    guarantee_pk=guarantee.pk,
                    guarantee_kind=guarantee.kind,
                    attested_by=attestation.attested_by.display_name if attestation else "",
                    attested_at=attestation.attested_at if attestation else None,
                )
            )
    return conditions, advice


def complaint_rule(incident: Incident, step: Step | None = None) -> dict:
    """The complaint's deadline rule for this incident: ``amount`` (hours), ``source``,
    ``indemnity_condition``, ``advisory``, as the incident's playbook writes it.

    One jurisdiction decides, the incident's playbook, which the company's country chooses
    (``open_incident``), not the law the policy names (``Policy.jurisdiction``). The complaint
    is a duty of the victim towards the police of the country where it was attacked, and the
    wizard, the reminders and the sweep already count the company's playbook's deadline: the
    cover must judge the same step by the same rule, or one incident would get two answers. A
    Luxembourg company insured under French law thus sees the complaint as advice; the
    policy's own clauses, if it sets a complaint deadline, are guarantee conditions to attest.
    """
    if step is not None and step.rule:
        return step.rule
    # The playbook always plans the complaint; an incident without the step still owes it.
    rule = playbook_of(incident).step(COMPLAINT_STEP).rule
    return rule.as_dict() if rule else {}


def _complaint_condition(incident, step: Step | None, now, lang) -> Condition:
    rule = complaint_rule(incident, step)
    hours = rule["amount"]
    # A condition of the cover only where the rule says the payment depends on it (France,
    # L12-10-1: ``indemnity_condition``); elsewhere (``advisory``, Luxembourg) it is advice.
    advisory = not rule.get("indemnity_condition")
    if advisory:
        title = _("Plainte déposée dans les %(hours)s h (conseillé : aucune loi ne l'impose ici)")
        source = _(
            "Aucun délai légal au Luxembourg (NC3.lu) ; vérifiez si votre contrat en fixe un. "
            "Délai aligné sur le Code des assurances français, art. L12-10-1."
        )
    else:
        title = _(
            "Plainte déposée dans les %(hours)s h suivant la connaissance de l'attaque : "
            "condition de tout paiement pour les pertes dues à l'attaque"
        )
        # The citation without its quoted text, as the conditions show every source.
        source = (rule.get("source") or "").partition(" : ")[0].strip()
    title = title % {"hours": hours}
    if step is None:
        due_at = add_clock_hours(incident.discovered_at, hours)
        return Condition(
            code="complaint_72h",
            title=title,
            status=condition_status(deadline_state(due_at=due_at, done_at=None, now=now)),
            source=source,
            advisory=advisory,
            due_at=due_at,
        )
    condition = _step_condition(step, code="complaint_72h", title=title, now=now, lang=lang)
    return replace(condition, source=source, advisory=advisory)


def _step_condition(step: Step, *, code: str, title: str, now, lang) -> Condition:
    status = condition_status(step.deadline_state(now), done=step.status == Step.Status.DONE)
    if step.status == Step.Status.NOT_APPLICABLE:
        note = step.not_applicable_reason
    else:
        note = step.proof_details
    return Condition(
        code=code,
        title=title,
        status=status,
        source=step.legal_source,
        due_at=step.due_at,
        done_at=step.done_at if step.status == Step.Status.DONE else None,
        proof_reference=step.proof_reference,
        note=note,
        evidence=[EvidenceRef.of(evidence) for evidence in _kept_evidence(step)],
    )


def _kept_evidence(step: Step):
    """The step's evidence not withdrawn, oldest first: as read by the caller, or now."""
    kept = getattr(step, "kept_evidence", None)
    if kept is not None:
        return kept
    return step.evidence.filter(withdrawn_at__isnull=True).order_by("uploaded_at")


def condition_status(state: DeadlineState, *, done: bool = False) -> str:
    """A step's deadline verdict as a condition of the cover: on time is met, late or overdue
    is missed, open (the due moment itself included) is not yet."""
    return {
        DeadlineState.ON_TIME: Status.MET,
        DeadlineState.LATE: Status.MISSED,
        DeadlineState.OVERDUE: Status.MISSED,
        DeadlineState.OPEN: Status.NOT_YET,
        DeadlineState.NOT_APPLICABLE: Status.NOT_APPLICABLE,
        DeadlineState.NO_DEADLINE: Status.MET if done else Status.NOT_YET,
    }[state]
