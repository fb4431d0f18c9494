"""What must we do, and by when: the playbook applied to one incident's facts.

``plan(facts)`` returns the applicable steps in playbook order, each with its ``due_at`` (aware,
UTC) computed by ``playbooks.timecalc`` from the rule written in the playbook data, and the
rule's legal source. ``replan(old, facts)`` does it again after a fact changed and says what
moved and why. Nothing here touches the database: the app stores ``PlannedStep.as_dict()`` on
each incident step and ``Playbook.as_dict()`` on the incident, so that an incident keeps the
playbook version it was opened with (rebuild it with ``Playbook.from_dict`` and pass it as
``playbook=``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from playbooks import timecalc
from playbooks.deadlines import DeadlineState, deadline_state
from playbooks.kinds import KIND_KEYS, KINDS, Kind
from playbooks.loader import (
    ANCHOR_FACTS,
    COUNTRIES,
    Playbook,
    PlaybookError,
    Rule,
    Step,
    load_playbook,
)

__all__ = [
    "COUNTRIES",
    "KINDS",
    "PERSONAL_DATA_ANSWERS",
    "Change",
    "IncidentFacts",
    "Kind",
    "PlannedStep",
    "Playbook",
    "PlaybookError",
    "Rule",
    "StepChange",
    "load_playbook",
    "plan",
    "replan",
]

PERSONAL_DATA_ANSWERS: tuple[str, ...] = ("yes", "no", "unknown")

CONDITION_TEXT = {
    "personal_data": {
        "fr": "des données personnelles sont ou peuvent être touchées",
        "en": "personal data is or may be affected",
    },
    "high_risk": {"fr": "risque élevé pour les personnes", "en": "high risk to the people"},
    "nis2": {"fr": "l'entreprise est une entité NIS2", "en": "the company is a NIS2 entity"},
}


def _empty() -> Mapping[str, datetime]:
    return MappingProxyType({})


def _aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


@dataclass(frozen=True)
class IncidentFacts:
    """What the company told us, all the engine needs.

    ``personal_data`` is "yes", "no" or "unknown"; "unknown" is treated as at risk (GDPR art.
    33 steps apply) because waiting to know is what makes notifications late.
    ``personal_data_aware_at`` is when the company learned that personal data was affected
    (the GDPR art. 33(1) anchor); when not given, discovery of the attack is used, the most
    conservative choice. ``completed`` maps step keys to when they were done, for rules
    anchored on another step and so that a done step is never dropped.
    """

    country: str
    kinds: frozenset[str]
    discovered_at: datetime
    personal_data: str
    high_risk: bool = False
    nis2: bool = False
    declaration_days: int = 5
    completed: Mapping[str, datetime] = field(default_factory=_empty)
    personal_data_aware_at: datetime | None = None
    # The company's French department ("67"): Alsace-Moselle counts two more public holidays.
    department: str = ""

    def __post_init__(self) -> None:
        if self.country not in COUNTRIES:
            raise ValueError(
                f"unknown country {self.country!r} (expected one of {', '.join(COUNTRIES)})"
            )
        kinds = frozenset(self.kinds)
        if not kinds:
            raise ValueError("an incident has at least one kind")
        unknown = sorted(kinds - set(KIND_KEYS))
        if unknown:
            raise ValueError(f"unknown incident kind {unknown[0]!r}")
        object.__setattr__(self, "kinds", kinds)
        _aware(self.discovered_at, "discovered_at")
        if self.personal_data not in PERSONAL_DATA_ANSWERS:
            raise ValueError(f"personal_data must be one of {', '.join(PERSONAL_DATA_ANSWERS)}")
        if self.high_risk and self.personal_data == "no":
            raise ValueError("high_risk needs personal data at risk (personal_data 'yes')")
        if isinstance(self.declaration_days, bool) or self.declaration_days < 1:
            raise ValueError("declaration_days must be a positive number of working days")
        for key, done_at in self.completed.items():
            _aware(done_at, f"completed[{key!r}]")
        object.__setattr__(self, "completed", MappingProxyType(dict(self.completed)))
        if self.personal_data_aware_at is not None:
            _aware(self.personal_data_aware_at, "personal_data_aware_at")

    def holds(self, condition: str) -> bool:
        match condition:
            case "personal_data":
                return self.personal_data in ("yes", "unknown")
            case "high_risk":
                return self.high_risk
            case "nis2":
                return self.nis2
        raise ValueError(f"unknown condition {condition!r}")

    def anchor_fact(self, anchor: str) -> datetime:
        if anchor == "personal_data_aware_at":
            return self.personal_data_aware_at or self.discovered_at
        return self.discovered_at


def applies(step: Step, facts: IncidentFacts) -> bool:
    """The step concerns this incident: one of its kinds matches and all its conditions hold."""
    if step.kinds is not None and not step.kinds & facts.kinds:
        return False
    return all(facts.holds(condition) for condition in step.when)


def _why(step: Step, facts: IncidentFacts, lang: str, *, holding: bool) -> str:
    """The step's conditions that hold (or, with holding=False, that fail), in words."""
    labels = {kind.key: kind.label[lang] for kind in KINDS}
    parts = []
    if step.kinds is not None and bool(step.kinds & facts.kinds) == holding:
        names = ", ".join(labels[k] for k in KIND_KEYS if k in step.kinds)
        parts.append(("incident de type " if lang == "fr" else "incident of kind ") + names)
    parts += [CONDITION_TEXT[c][lang] for c in step.when if facts.holds(c) == holding]
    return "; ".join(parts)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PlannedStep:
    """One step of one incident: texts in both languages, its deadline and where it comes from."""

    key: str
    order: int  # 1-based position in the plan
    title: Mapping[str, str]
    guidance: Mapping[str, str]
    proof: str  # "reference" | "file" | "both" | "none"
    proof_label: Mapping[str, str]
    due_at: datetime | None  # aware, UTC
    rule: Rule | None
    source: str  # the rule's legal source, "" when no rule
    at_once: bool = False  # no legal deadline, but do it now
    anchor_at: datetime | None = None  # the instant the rule counted from
    provisional: bool = False  # anchored on a step not done yet: counted from its deadline
    applicable: bool = True  # False: no longer applies, kept because it was done
    done_at: datetime | None = None
    playbook_version: str = ""

    @property
    def indemnity_condition(self) -> bool:
        return bool(self.rule and self.rule.indemnity_condition)

    def text(self, attribute: str, lang: str) -> str:
        """``title``, ``guidance``, ``proof_label``, ``rule`` (described) or ``note`` in ``lang``."""
        if attribute == "rule":
            return self.rule.describe(lang) if self.rule else ""
        if attribute == "note":
            return self.rule.note.get(lang, "") if self.rule else ""
        return getattr(self, attribute)[lang]

    def deadline_state(self, now: datetime) -> DeadlineState:
        """Where this step stands against its deadline (``playbooks.deadlines``)."""
        return deadline_state(
            due_at=self.due_at, done_at=self.done_at, now=now, applicable=self.applicable
        )

    def is_overdue(self, now: datetime) -> bool:
        return self.deadline_state(now) is DeadlineState.OVERDUE

    @property
    def done_late(self) -> bool:
        # Whether it still applies or not, a step done after its deadline was done late.
        if self.done_at is None:
            return False
        verdict = deadline_state(due_at=self.due_at, done_at=self.done_at, now=self.done_at)
        return verdict is DeadlineState.LATE

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot (datetimes as ISO 8601 UTC strings)."""
        return {
            "key": self.key,
            "order": self.order,
            "title": dict(self.title),
            "guidance": dict(self.guidance),
            "proof": self.proof,
            "proof_label": dict(self.proof_label),
            "due_at": _iso(self.due_at),
            "rule": self.rule.as_dict() if self.rule else None,
            "source": self.source,
            "at_once": self.at_once,
            "anchor_at": _iso(self.anchor_at),
            "provisional": self.provisional,
            "applicable": self.applicable,
            "done_at": _iso(self.done_at),
            "playbook_version": self.playbook_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedStep:
        rule = None
        if data.get("rule"):
            raw = dict(data["rule"])
            raw["note"] = MappingProxyType(dict(raw.get("note", {})))
            raw["anchor_label"] = MappingProxyType(dict(raw.get("anchor_label", {})))
            rule = Rule(**raw)
        return cls(
            key=data["key"],
            order=data["order"],
            title=MappingProxyType(dict(data["title"])),
            guidance=MappingProxyType(dict(data["guidance"])),
            proof=data["proof"],
            proof_label=MappingProxyType(dict(data["proof_label"])),
            due_at=_parse(data.get("due_at")),
            rule=rule,
            source=data.get("source", ""),
            at_once=data.get("at_once", False),
            anchor_at=_parse(data.get("anchor_at")),
            provisional=data.get("provisional", False),
            applicable=data.get("applicable", True),
            done_at=_parse(data.get("done_at")),
            playbook_version=data.get("playbook_version", ""),
        )


def _resolve_rule(rule: Rule, facts: IncidentFacts) -> Rule:
    if rule.amount_from == "declaration_days":
        # L113-2 4°: a policy may not set less than the legal minimum, which then applies.
        return dataclasses.replace(rule, amount=max(facts.declaration_days, rule.minimum))
    return rule


def _deadline(
    rule: Rule, anchor_at: datetime, playbook: Playbook, department: str = ""
) -> datetime:
    match rule.unit:
        case "hours":
            return timecalc.add_clock_hours(anchor_at, rule.amount)
        case "working_days":
            return timecalc.add_working_days(
                anchor_at,
                rule.amount,
                playbook.country,
                playbook.zone,
                count_start_day=rule.count_start_day,
                department=department,
            )
        case "months":
            return timecalc.add_months(anchor_at, rule.amount, playbook.zone)
    raise ValueError(f"unknown unit {rule.unit!r}")


def plan(facts: IncidentFacts, playbook: Playbook | None = None) -> list[PlannedStep]:
    """The steps for this incident, in playbook order, each with its deadline.

    A step applies when one of its kinds matches and all its conditions hold; a step already
    done (in ``facts.completed``) is kept even when it no longer applies, with
    ``applicable=False``. A rule anchored on another step counts from when that step was done,
    or, until then, from that step's own deadline (``provisional=True``): the latest it can be
    done on time, so the estimate never comes out too early to be met.
    """
    playbook = playbook or load_playbook(facts.country)
    if playbook.country != facts.country:
        raise ValueError(f"playbook {playbook.version} is not for {facts.country}")
    chosen = [
        step for step in playbook.steps if applies(step, facts) or step.key in facts.completed
    ]
    by_key = {step.key: step for step in chosen}
    timing: dict[str, tuple[Rule | None, datetime | None, datetime | None, bool]] = {}

    def resolve(step: Step) -> tuple[Rule | None, datetime | None, datetime | None, bool]:
        if step.key in timing:
            return timing[step.key]
        rule, anchor_at, due_at, provisional = step.rule, None, None, False
        if rule is not None:
            rule = _resolve_rule(rule, facts)
            if rule.anchor in ANCHOR_FACTS:
                anchor_at = facts.anchor_fact(rule.anchor)
            elif rule.anchor in facts.completed:
                anchor_at = facts.completed[rule.anchor]
            elif rule.anchor in by_key:  # acyclic: checked at load
                anchor_at, provisional = resolve(by_key[rule.anchor])[2], True
            if anchor_at is not None:
                due_at = _deadline(rule, anchor_at, playbook, facts.department)
        timing[step.key] = (rule, anchor_at, due_at, provisional)
        return timing[step.key]

    planned = []
    for position, step in enumerate(chosen, start=1):
        rule, anchor_at, due_at, provisional = resolve(step)
        planned.append(
            PlannedStep(
                key=step.key,
                order=position,
                title=step.title,
                guidance=step.guidance,
                proof=step.proof,
                proof_label=step.proof_label,
                due_at=due_at,
                rule=rule,
                source=rule.source if rule else "",
                at_once=step.at_once,
                anchor_at=anchor_at,
                provisional=provisional,
                applicable=applies(step, facts),
                done_at=facts.completed.get(step.key),
                playbook_version=playbook.version,
            )
        )
    return planned


@dataclass(frozen=True)
class StepChange:
    key: str
    change: str  # "added" | "removed" | "moved" | "kept"
    old_due_at: datetime | None
    new_due_at: datetime | None
    explanation: Mapping[str, str]  # {"fr": ..., "en": ...}


@dataclass(frozen=True)
class Change:
    """The new plan and, step by step, what changed against the old one and why."""

    steps: tuple[PlannedStep, ...]
    changes: tuple[StepChange, ...]

    def _keys(self, change: str) -> list[str]:
        return [item.key for item in self.changes if item.change == change]

    @property
    def added(self) -> list[str]:
        return self._keys("added")

    @property
    def removed(self) -> list[str]:
        return self._keys("removed")

    @property
    def moved(self) -> list[str]:
        return self._keys("moved")

    @property
    def kept(self) -> list[str]:
        return self._keys("kept")

    def explain(self, lang: str) -> list[str]:
        return [item.explanation[lang] for item in self.changes]

    def __bool__(self) -> bool:
        return bool(self.changes)


def _when(value: datetime | None, zone: ZoneInfo, lang: str) -> str:
    if value is None:
        return "sans échéance" if lang == "fr" else "no deadline"
    return f"{value.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def _explain(
    change: str,
    step: PlannedStep,
    playbook_step: Step | None,
    facts: IncidentFacts,
    zone: ZoneInfo,
    old: PlannedStep | None,
) -> dict[str, str]:
    result = {}
    for lang in ("fr", "en"):
        title = step.title[lang]
        fr = lang == "fr"
        if change == "added":
            why = _why(playbook_step, facts, lang, holding=True) if playbook_step else ""
            text = f"Nouvelle étape « {title} »" if fr else f"New step '{title}'"
            if why:
                text += (" : " if fr else ": ") + why
            if step.due_at is not None:
                text += (", échéance " if fr else ", due ") + _when(step.due_at, zone, lang)
        elif change in ("removed", "kept"):
            why = _why(playbook_step, facts, lang, holding=False) if playbook_step else ""
            why = why or ("retirée du playbook" if fr else "dropped from the playbook")
            if change == "removed":
                text = (
                    f"Étape « {title} » retirée, elle ne s'applique plus (non : {why})"
                    if fr
                    else f"Step '{title}' removed, it no longer applies (not: {why})"
                )
            else:
                text = (
                    f"Étape « {title} » conservée car déjà faite, bien qu'elle ne s'applique "
                    f"plus (non : {why})"
                    if fr
                    else f"Step '{title}' kept because it is done, although it no longer "
                    f"applies (not: {why})"
                )
        else:
            assert old is not None
            text = (
                f"Échéance de « {title} » déplacée du {_when(old.due_at, zone, lang)} au "
                f"{_when(step.due_at, zone, lang)}"
                if fr
                else f"Deadline of '{title}' moved from {_when(old.due_at, zone, lang)} to "
                f"{_when(step.due_at, zone, lang)}"
            )
            if step.rule and old.anchor_at != step.anchor_at:
                text += (
                    f" : {step.rule.anchor_label['fr']} est passée du "
                    f"{_when(old.anchor_at, zone, lang)} au {_when(step.anchor_at, zone, lang)}"
                    if fr
                    else f": {step.rule.anchor_label['en']} changed from "
                    f"{_when(old.anchor_at, zone, lang)} to {_when(step.anchor_at, zone, lang)}"
                )
            elif step.rule and old.rule and old.rule.amount != step.rule.amount:
                text += (
                    f" : délai passé de {old.rule.amount} à {step.rule.amount}"
                    if fr
                    else f": delay changed from {old.rule.amount} to {step.rule.amount}"
                )
            else:
                text += " : la règle a changé" if fr else ": the rule changed"
        result[lang] = text + "."
    return result


def replan(
    old: Iterable[Mapping[str, Any] | PlannedStep | str],
    facts: IncidentFacts,
    playbook: Playbook | None = None,
) -> Change:
    """Plan again after a fact changed, and say what changed against ``old``.

    ``old`` is the previous plan: ``PlannedStep.as_dict()`` snapshots as stored on the
    incident, ``PlannedStep`` objects, or bare step keys (then only additions and removals can
    be told). Pass the incident's own ``playbook`` (``Playbook.from_dict`` of its snapshot) to
    keep the version it was opened with.

    Guarantees:
    - nothing done is lost: a step done in ``old`` (``done_at``) or in ``facts.completed`` stays
      in the plan with its ``done_at``, marked ``applicable=False`` if it no longer applies (a
      step done under an older playbook that has since dropped it is kept as it was);
    - every difference is one ``StepChange`` with an explanation in French and English:
      ``added`` (now applies, and why), ``removed`` (no longer applies and was not done),
      ``kept`` (no longer applies but done), ``moved`` (``due_at`` changed, with the anchor or
      delay that caused it).
    """
    previous: dict[str, PlannedStep | None] = {}
    for item in old:
        if isinstance(item, str):
            previous[item] = None
        elif isinstance(item, PlannedStep):
            previous[item.key] = item
        else:
            previous[item["key"]] = PlannedStep.from_dict(item)
    done_before = {
        key: step.done_at for key, step in previous.items() if step and step.done_at is not None
    }
    facts = dataclasses.replace(facts, completed={**done_before, **facts.completed})
    playbook = playbook or load_playbook(facts.country)
    steps = plan(facts, playbook)
    planned_keys = {step.key for step in steps}
    orphans = [
        dataclasses.replace(step, applicable=False)
        for key, step in previous.items()
        if step and step.done_at is not None and key not in planned_keys
    ]
    steps = [
        dataclasses.replace(step, order=position)
        for position, step in enumerate([*steps, *orphans], start=1)
    ]
    playbook_steps = {step.key: step for step in playbook.steps}
    zone = playbook.zone
    changes = []
    for step in steps:
        before = previous.get(step.key)
        was_planned = step.key in previous
        was_applicable = before is None or before.applicable
        if not was_planned and step.applicable:
            change = "added"
        elif was_planned and was_applicable and not step.applicable:
            change = "kept"
        elif before is not None and before.due_at != step.due_at:
            change = "moved"
        else:
            continue
        changes.append(
            StepChange(
                key=step.key,
                change=change,
                old_due_at=before.due_at if before else None,
                new_due_at=step.due_at,
                explanation=MappingProxyType(
                    _explain(change, step, playbook_steps.get(step.key), facts, zone, before)
                ),
            )
        )
    for key, before in previous.items():
        if key in planned_keys or key in {o.key for o in orphans}:
            continue
        removed = before or _placeholder(key, playbook_steps.get(key))
        changes.append(
            StepChange(
                key=key,
                change="removed",
                old_due_at=before.due_at if before else None,
                new_due_at=None,
                explanation=MappingProxyType(
                    _explain("removed", removed, playbook_steps.get(key), facts, zone, before)
                ),
            )
        )
    return Change(steps=tuple(steps), changes=tuple(changes))


def _placeholder(key: str, step: Step | None) -> PlannedStep:
    """A stand-in for an old step known only by its key, to name it in explanations."""
    title = step.title if step else MappingProxyType({"fr": key, "en": key})
    empty = MappingProxyType({"fr": "", "en": ""})
    return PlannedStep(key, 0, title, empty, "none", empty, None, None, "")
