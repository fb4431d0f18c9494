"""Opening an incident: its steps and deadlines from the playbook, its first journal entry;
closing it once handled, and reopening it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from playbooks import engine
from playbooks.engine import IncidentFacts, load_playbook, plan
from playbooks.loader import Playbook

from .. import signals
from ..models import Incident, JournalEntry, Step, journal_language
from . import reminders
from .claims import record_change


def facts_of(incident: Incident) -> IncidentFacts:
    """The facts the playbook engine needs, read from the incident and its steps."""
    completed = {
        step.key: step.done_at
        for step in incident.steps.all()
        if step.status == Step.Status.DONE and step.done_at
    }
    return IncidentFacts(
        country=incident.company.country,
        kinds=frozenset(incident.kinds),
        discovered_at=incident.discovered_at,
        personal_data=incident.personal_data,
        high_risk=incident.high_risk,
        nis2=incident.nis2_entity,
        declaration_days=incident.policy.claim_declaration_days,
        completed=completed,
        personal_data_aware_at=incident.personal_data_aware_at,
        department=incident.company.department if incident.company.country == "FR" else "",
    )


@transaction.atomic
def open_incident(
    *,
    company,
    policy,
    kinds,
    discovered_at,
    personal_data,
    declared_by,
    description="",
    network_usable=None,
    high_risk=False,
    reference=None,
    declaration_token=None,
) -> Incident:
    """Create an incident with the steps and deadlines of its country's playbook."""
    playbook = load_playbook(company.country)
    incident = Incident.objects.create(
        reference=reference,
        declaration_token=declaration_token,
        company=company,
        policy=policy,
        kinds=list(kinds),
        discovered_at=discovered_at,
        personal_data=personal_data,
        high_risk=high_risk,
        nis2_entity=company.nis2_entity,
        network_usable=network_usable,
        description=description,
        declared_by=declared_by,
        playbook_version=playbook.version,
        playbook_snapshot=playbook.as_dict(),
    )
    Step.objects.bulk_create(
        Step(
            incident=incident,
            key=planned.key,
            order=planned.order,
            definition=planned.as_dict(),
            due_at=planned.due_at,
        )
        for planned in plan(facts_of(incident), playbook)
    )
    with journal_language(incident):
        text = _("Incident déclaré : %(kinds)s, découvert le %(discovered)s.") % {
            "kinds": ", ".join(incident.kind_labels()),
            "discovered": discovered_at.astimezone(company.zone).strftime("%Y-%m-%d %H:%M %Z"),
        }
    JournalEntry.append(
        incident,
        JournalEntry.Kind.DECLARED,
        text,
        actor=declared_by,
        data={
            "kinds": list(kinds),
            "discovered_at": discovered_at.isoformat(),
            "personal_data": personal_data,
            "playbook_version": incident.playbook_version,
        },
    )
    reminders.sync_for_incident(incident)
    signals.incident_declared.send(sender=Incident, incident=incident, now=timezone.now())
    return incident


def playbook_of(incident: Incident) -> Playbook:
    """The playbook the incident was opened with (the current one for older incidents)."""
    if incident.playbook_snapshot:
        return Playbook.from_dict(incident.playbook_snapshot)
    return load_playbook(incident.company.country)


def _snapshot(step: Step) -> dict:
    """The step as the engine planned it, with what actually happened since."""
    snapshot = dict(step.definition)
    snapshot["due_at"] = step.due_at.isoformat() if step.due_at else None
    snapshot["done_at"] = (
        step.done_at.isoformat() if step.status == Step.Status.DONE and step.done_at else None
    )
    snapshot["applicable"] = step.applicable
    return snapshot


@transaction.atomic
def replan(incident: Incident, *, actor, reason: str) -> engine.Change:
    """Recompute steps and deadlines after a fact changed; journal what moved and why.

    Nothing recorded is lost: a step done or marked not applicable keeps its record, and a
    step that no longer applies is hidden (``applicable=False``), never deleted.
    ``reason`` opens the journal text: write it within ``journal_language(incident)``.
    """
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    existing = {step.key: step for step in incident.steps.all()}
    change = engine.replan(
        [_snapshot(s) for s in existing.values()], facts_of(incident), playbook_of(incident)
    )
    planned_keys = set()
    for planned in change.steps:
        planned_keys.add(planned.key)
        step = existing.get(planned.key)
        if step is None:
            Step.objects.create(
                incident=incident,
                key=planned.key,
                order=planned.order,
                definition=planned.as_dict(),
                due_at=planned.due_at,
                applicable=planned.applicable,
            )
            continue
        step.order = planned.order
        step.due_at = planned.due_at
        step.applicable = planned.applicable or step.status != Step.Status.TODO
        step.definition = {**planned.as_dict(), "done_at": None}
        step.save(update_fields=["order", "due_at", "applicable", "definition"])
    for key, step in existing.items():
        if key not in planned_keys and step.status == Step.Status.TODO and step.applicable:
            step.applicable = False
            step.save(update_fields=["applicable"])
    if change:
        JournalEntry.append(
            incident,
            JournalEntry.Kind.PLAN_CHANGED,
            reason + " " + " ".join(change.explain(incident.company.language)),
            actor=actor,
            data={
                "added": change.added,
                "removed": change.removed,
                "moved": change.moved,
                "kept": change.kept,
                "explanation": {"fr": change.explain("fr"), "en": change.explain("en")},
            },
        )
    reminders.sync_for_incident(incident)
    return change


@transaction.atomic
def correct_facts(incident: Incident, *, actor, **facts) -> engine.Change | None:
    """Correct what the company said (discovered_at, personal_data, high_risk...).

    Each change is journaled with the old and new value, who and when; deadlines follow.
    The discovery cannot move after a step already done: acting on the attack means it was
    known, and the deadlines run from then.
    """
    allowed = {"discovered_at", "personal_data", "personal_data_aware_at", "high_risk", "kinds"}
    unknown = set(facts) - allowed
    if unknown:
        raise ValueError(f"Cannot correct {', '.join(sorted(unknown))}")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    changed = {}
    for name, value in facts.items():
        old = getattr(incident, name)
        if old != value:
            changed[name] = (old, value)
            setattr(incident, name, value)
    if not changed:
        return None
    if "discovered_at" in changed:
        first_done = incident.steps.filter(status=Step.Status.DONE).aggregate(first=Min("done_at"))[
            "first"
        ]
        if first_done is not None and incident.discovered_at > first_done:
            raise ValidationError(
                {
                    "discovered_at": _(
                        "Une étape a été faite le %(when)s, avant cette heure : l'attaque était "
                        "connue au plus tard à ce moment-là."
                    )
                    % {"when": incident.local_text(first_done)}
                },
                code="after_a_done_step",
            )
    incident.save()
    with journal_language(incident):
        text = "; ".join(
            _("%(field)s : %(old)s → %(new)s")
            % {
                "field": Incident._meta.get_field(name).verbose_name,
                "old": _display(old),
                "new": _display(new),
            }
            for name, (old, new) in changed.items()
        )
        reason = _("Faits corrigés.")
    JournalEntry.append(
        incident,
        JournalEntry.Kind.FACT_CORRECTED,
        text,
        actor=actor,
        data={name: {"old": old, "new": new} for name, (old, new) in changed.items()},
    )
    return replan(incident, actor=actor, reason=reason)


@transaction.atomic
def close_incident(incident: Incident, *, user, reason: str, now=None) -> Incident:
    """Close a handled incident: its steps wait no more and their reminders are cancelled.

    Nothing recorded goes: the journal, evidence and claim dossiers stay, and the incident
    can be reopened. The status it had (the insurer's stage of the claim) is journaled, so
    reopening brings it back.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif de la clôture."), code="reason")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.is_closed:
        raise ValidationError(_("Cet incident est déjà clos."), code="already_closed")
    with journal_language(incident):
        text = _("Incident clos : %(reason)s") % {"reason": reason}
    return _change_status(
        incident, Incident.Status.CLOSED, user=user, reason=reason, text=text, now=now
    )


@transaction.atomic
def reopen_incident(incident: Incident, *, user, reason: str, now=None) -> Incident:
    """Reopen a closed incident at the stage it was closed from; the reminders of its open
    steps are planned again (an overdue notice for a deadline passed meanwhile included)."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif de la réouverture."), code="reason")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    # A refused claim is the insurer's decision: the company does not undo it here.
    if incident.status != Incident.Status.CLOSED:
        raise ValidationError(_("Cet incident n'est pas clos."), code="not_closed")
    with journal_language(incident):
        text = _("Incident rouvert : %(reason)s") % {"reason": reason}
    return _change_status(
        incident, _status_before_closing(incident), user=user, reason=reason, text=text, now=now
    )


def _change_status(incident: Incident, status: str, *, user, reason: str, text: str, now):
    """Move the locked incident to ``status``: its reminders follow, the journal keeps both
    statuses and the reason."""
    previous, incident.status = incident.status, status
    incident.save(update_fields=["status", "updated_at"])
    reminders.sync_for_incident(incident, now=now)
    JournalEntry.append(
        incident,
        JournalEntry.Kind.STATUS_CHANGED,
        text,
        actor=user,
        data={"from": previous, "to": status, "reason": reason},
    )
    # Closing and reopening are changes of the claim's state too: its history shows them.
    record_change(incident, previous, user=user, note=reason, now=now)
    return incident


def _status_before_closing(incident: Incident) -> str:
    """The status the last closing journaled, or open when none did (closed elsewhere)."""
    previous = (
        incident.journal.filter(
            kind=JournalEntry.Kind.STATUS_CHANGED, data__to=Incident.Status.CLOSED
        )
        .order_by("-seq")
        .values_list("data__from", flat=True)
        .first()
    )
    closed = {Incident.Status.CLOSED, Incident.Status.REFUSED}
    if previous in Incident.Status.values and previous not in closed:
        return previous
    return Incident.Status.OPEN


def _display(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        # The kinds, the one list among the facts, in the words of the declaration entry.
        labels = dict(Incident.Kind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in value)
    return str(value)
