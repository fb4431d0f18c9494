"""Reading and validating playbooks (``playbooks/data/*.toml``).

A playbook is ``common.toml`` (steps shared by every country) plus one country file
(``fr.toml``, ``lu.toml``) that adds the country's own steps and its ``[terms]``: words such as
the data-protection authority that shared texts use as ``{dpa}``. Each file has a ``version``;
the playbook's version names both, e.g. ``FR-2026.1+common-2026.1``.

Everything is checked at load, and a bad file fails with a message naming the file, the step
and the problem: an unknown field, kind, condition, proof or unit, a deadline rule without its
legal source, an anchor naming an unknown step, a key defined twice, or anchors in a cycle.
A deadline the product cannot cite must not be shown.
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from playbooks.kinds import KIND_KEYS

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRIES: tuple[str, ...] = ("FR", "LU")
LANGS: tuple[str, ...] = ("fr", "en")
PROOFS: tuple[str, ...] = ("reference", "file", "both", "none")
UNITS: tuple[str, ...] = ("hours", "working_days", "months")
# Facts a rule may count from; any other anchor must be the key of a step (its completion).
ANCHOR_FACTS: tuple[str, ...] = ("discovered_at", "personal_data_aware_at")
# Conditions a step may require, all of which must hold (see IncidentFacts in engine.py).
CONDITIONS: tuple[str, ...] = ("personal_data", "high_risk", "nis2")
# Rule amounts that come from the incident rather than from the law.
AMOUNT_FACTS: tuple[str, ...] = ("declaration_days",)

STEP_FIELDS = frozenset(
    {"key", "order", "title", "guidance", "proof", "proof_label", "kinds", "when", "at_once"}
    | {"deadline"}
)
RULE_FIELDS = frozenset(
    {"anchor", "amount", "amount_from", "minimum", "unit", "source", "indemnity_condition"}
    | {"advisory", "count_start_day", "note"}
)
COMMON_FIELDS = frozenset({"version", "steps"})
COUNTRY_FIELDS = frozenset({"version", "country", "timezone", "terms", "steps"})
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

ANCHOR_LABELS = {
    "discovered_at": {"fr": "la découverte de l'attaque", "en": "discovery of the attack"},
    "personal_data_aware_at": {
        "fr": "la connaissance de la violation de données personnelles",
        "en": "becoming aware of the personal-data breach",
    },
}
UNIT_LABELS = {
    "hours": {"fr": ("heure", "heures"), "en": ("hour", "hours")},
    "working_days": {"fr": ("jour ouvré", "jours ouvrés"), "en": ("working day", "working days")},
    "months": {"fr": ("mois", "mois"), "en": ("month", "months")},
}


class PlaybookError(ValueError):
    """A playbook file that must not be used; the message names the file, step and problem."""


Text = Mapping[str, str]


def _frozen_text(value: Mapping[str, str]) -> Text:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class Rule:
    """A deadline: ``amount`` ``unit`` after ``anchor``, with the legal ``source`` that sets it.

    ``amount_from`` names an incident fact that gives the amount (the policy's declaration
    delay); ``minimum`` is then the legal floor. ``indemnity_condition`` marks a deadline whose
    miss can cost the insurance payment (FR complaint, L12-10-1); ``advisory`` one that no law
    sets but that Riposte recommends.
    """

    anchor: str
    amount: int
    unit: str
    source: str
    amount_from: str = ""
    minimum: int = 0
    indemnity_condition: bool = False
    advisory: bool = False
    count_start_day: bool = False
    note: Text = field(default_factory=lambda: _frozen_text({}))
    anchor_label: Text = field(default_factory=lambda: _frozen_text({}))

    def describe(self, lang: str) -> str:
        """One line in ``lang``, e.g. "72 hours after discovery of the attack"."""
        singular, plural = UNIT_LABELS[self.unit][lang]
        unit = singular if self.amount == 1 else plural
        after = "après" if lang == "fr" else "after"
        text = f"{self.amount} {unit} {after} {self.anchor_label[lang]}"
        if self.amount_from:
            text += " (délai de la police" if lang == "fr" else " (policy delay"
            if self.minimum > 1:
                text += (
                    f", au moins {self.minimum} {plural}"
                    if lang == "fr"
                    else f", at least {self.minimum} {plural}"
                )
            text += ")"
        if self.unit == "working_days" and not self.count_start_day:
            text += ", à compter du lendemain" if lang == "fr" else ", counted from the next day"
        if self.indemnity_condition:
            text += (
                " — condition de l'indemnisation"
                if lang == "fr"
                else " — condition of the insurance payment"
            )
        if self.advisory:
            text += (
                " — recommandé, pas un délai légal"
                if lang == "fr"
                else " — recommended, not a legal deadline"
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "anchor": self.anchor,
            "amount": self.amount,
            "unit": self.unit,
            "source": self.source,
            "amount_from": self.amount_from,
            "minimum": self.minimum,
            "indemnity_condition": self.indemnity_condition,
            "advisory": self.advisory,
            "count_start_day": self.count_start_day,
            "note": dict(self.note),
            "anchor_label": dict(self.anchor_label),
        }


@dataclass(frozen=True)
class Step:
    """One step of a playbook, as written in the data (not yet planned for an incident)."""

    key: str
    order: int
    title: Text
    guidance: Text
    proof: str
    proof_label: Text
    kinds: frozenset[str] | None  # None: every kind
    when: tuple[str, ...]
    at_once: bool
    rule: Rule | None
    origin: str = field(compare=False)  # the file it comes from, for messages

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "order": self.order,
            "title": dict(self.title),
            "guidance": dict(self.guidance),
            "proof": self.proof,
            "when": list(self.when),
            "at_once": self.at_once,
        }
        if self.proof != "none":
            data["proof_label"] = dict(self.proof_label)
        if self.kinds is not None:
            data["kinds"] = sorted(self.kinds)
        if self.rule is not None:
            rule = self.rule.as_dict()
            del rule["anchor_label"]
            data["deadline"] = {k: v for k, v in rule.items() if v not in ("", {}, False)}
            if self.rule.amount_from:
                data["deadline"].pop("amount", None)
        return data


@dataclass(frozen=True)
class Playbook:
    country: str
    version: str
    timezone: str
    steps: tuple[Step, ...]  # in playbook order

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot, so an incident keeps the playbook it was opened with."""
        return {
            "country": self.country,
            "version": self.version,
            "timezone": self.timezone,
            "steps": [step.as_dict() for step in self.steps],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Playbook:
        """Rebuild a snapshot made by ``as_dict()``, validated like a file."""
        origin = f"snapshot {data.get('version', '?')}"
        steps = [_parse_step(raw, origin, terms=None) for raw in data.get("steps", [])]
        _check_duplicates([(step, origin) for step in steps])
        return _assemble(data["country"], data["version"], data["timezone"], steps, origin)


def _fail(origin: str, problem: str, step: str | None = None) -> PlaybookError:
    where = f"{origin}: step '{step}'" if step else origin
    return PlaybookError(f"{where}: {problem}")


def _text(raw: Any, origin: str, step: str, name: str, terms: Mapping[str, Text] | None) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGS):
        raise _fail(origin, f"'{name}' must have exactly the languages {', '.join(LANGS)}", step)
    result = {}
    for lang, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise _fail(origin, f"'{name}.{lang}' must be a non-empty string", step)
        result[lang] = _fill_terms(value.strip(), lang, origin, step, name, terms)
    return _frozen_text(result)


def _fill_terms(
    value: str, lang: str, origin: str, step: str, name: str, terms: Mapping[str, Text] | None
) -> str:
    if terms is None:  # a snapshot: terms were filled when it was made
        return value
    names = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    unknown = sorted(names - set(terms))
    if unknown:
        raise _fail(origin, f"'{name}.{lang}' uses unknown term {{{unknown[0]}}}", step)
    return value.format_map({term: texts[lang] for term, texts in terms.items()})


def _parse_rule(raw: Any, origin: str, key: str, terms: Mapping[str, Text] | None) -> Rule:
    if not isinstance(raw, dict):
        raise _fail(origin, "'deadline' must be a table", key)
    unknown = sorted(set(raw) - RULE_FIELDS)
    if unknown:
        raise _fail(origin, f"unknown field 'deadline.{unknown[0]}'", key)
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _fail(origin, "deadline rule has no source (article and text)", key)
    anchor = raw.get("anchor")
    if not isinstance(anchor, str) or not anchor:
        raise _fail(origin, "deadline rule has no anchor", key)
    unit = raw.get("unit")
    if unit not in UNITS:
        raise _fail(origin, f"unknown unit {unit!r} (expected one of {', '.join(UNITS)})", key)
    amount_from = raw.get("amount_from", "")
    minimum = raw.get("minimum", 0)
    if amount_from:
        if amount_from not in AMOUNT_FACTS:
            raise _fail(origin, f"unknown amount_from {amount_from!r}", key)
        if "amount" in raw:
            raise _fail(origin, "give either amount or amount_from, not both", key)
        if not isinstance(minimum, int) or minimum < 1:
            raise _fail(origin, "amount_from needs a minimum of at least 1", key)
        amount = minimum
    else:
        amount = raw.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise _fail(origin, "deadline amount must be a positive integer", key)
    flags = {}
    for flag in ("indemnity_condition", "advisory", "count_start_day"):
        value = raw.get(flag, False)
        if not isinstance(value, bool):
            raise _fail(origin, f"'deadline.{flag}' must be true or false", key)
        flags[flag] = value
    if flags["count_start_day"] and unit != "working_days":
        raise _fail(origin, "count_start_day only applies to working_days", key)
    note = _text(raw["note"], origin, key, "deadline.note", terms) if "note" in raw else {}
    return Rule(
        anchor=anchor,
        amount=amount,
        unit=unit,
        source=source.strip(),
        amount_from=amount_from,
        minimum=minimum,
        note=_frozen_text(note),
        **flags,
    )


def _parse_step(raw: Any, origin: str, terms: Mapping[str, Text] | None) -> Step:
    if not isinstance(raw, dict):
        raise _fail(origin, "each [[steps]] entry must be a table")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise _fail(origin, f"step key {key!r} must be lower_snake_case")
    unknown = sorted(set(raw) - STEP_FIELDS)
    if unknown:
        raise _fail(origin, f"unknown field '{unknown[0]}'", key)
    order = raw.get("order")
    if not isinstance(order, int) or isinstance(order, bool):
        raise _fail(origin, "'order' must be an integer", key)
    proof = raw.get("proof", "none")
    if proof not in PROOFS:
        raise _fail(origin, f"unknown proof {proof!r} (expected one of {', '.join(PROOFS)})", key)
    if proof == "none":
        if "proof_label" in raw:
            raise _fail(origin, "proof_label given for a step that asks no proof", key)
        proof_label: Text = _frozen_text(dict.fromkeys(LANGS, ""))
    else:
        if "proof_label" not in raw:
            raise _fail(origin, f"proof {proof!r} needs a proof_label", key)
        proof_label = _text(raw["proof_label"], origin, key, "proof_label", terms)
    kinds = raw.get("kinds")
    if kinds is not None:
        if not isinstance(kinds, list) or not kinds:
            raise _fail(origin, "'kinds' must be a non-empty list (omit it for every kind)", key)
        for kind in kinds:
            if kind not in KIND_KEYS:
                raise _fail(origin, f"unknown incident kind {kind!r}", key)
        kinds = frozenset(kinds)
    when = raw.get("when", [])
    if not isinstance(when, list):
        raise _fail(origin, "'when' must be a list of conditions", key)
    for condition in when:
        if condition not in CONDITIONS:
            raise _fail(
                origin,
                f"unknown condition {condition!r} (expected one of {', '.join(CONDITIONS)})",
                key,
            )
    at_once = raw.get("at_once", False)
    if not isinstance(at_once, bool):
        raise _fail(origin, "'at_once' must be true or false", key)
    rule = _parse_rule(raw["deadline"], origin, key, terms) if "deadline" in raw else None
    return Step(
        key=key,
        order=order,
        title=_text(raw.get("title"), origin, key, "title", terms),
        guidance=_text(raw.get("guidance"), origin, key, "guidance", terms),
        proof=proof,
        proof_label=proof_label,
        kinds=kinds,
        when=tuple(when),
        at_once=at_once,
        rule=rule,
        origin=origin,
    )


def _check_duplicates(steps: list[tuple[Step, str]]) -> None:
    seen: dict[str, str] = {}
    for step, origin in steps:
        if step.key in seen:
            raise _fail(origin, f"duplicate key (already defined in {seen[step.key]})", step.key)
        seen[step.key] = origin


def _assemble(
    country: str, version: str, timezone: str, steps: list[Step], origin: str
) -> Playbook:
    by_key = {step.key: step for step in steps}
    resolved = []
    for step in steps:
        if step.rule is None:
            resolved.append(step)
            continue
        anchor = step.rule.anchor
        if anchor in ANCHOR_FACTS:
            label = ANCHOR_LABELS[anchor]
        elif anchor in by_key:
            label = {
                "fr": f"l'étape « {by_key[anchor].title['fr']} »",
                "en": f"the step '{by_key[anchor].title['en']}'",
            }
        else:
            raise _fail(step.origin, f"anchor {anchor!r} is neither a fact nor a step", step.key)
        rule = Rule(**{**step.rule.__dict__, "anchor_label": _frozen_text(label)})
        resolved.append(Step(**{**step.__dict__, "rule": rule}))
    _check_cycles(resolved)
    resolved.sort(key=lambda step: step.order)
    return Playbook(country=country, version=version, timezone=timezone, steps=tuple(resolved))


def _check_cycles(steps: list[Step]) -> None:
    anchors = {s.key: s.rule.anchor for s in steps if s.rule and s.rule.anchor not in ANCHOR_FACTS}
    origins = {s.key: s.origin for s in steps}
    for start in anchors:
        path = [start]
        while path[-1] in anchors:
            following = anchors[path[-1]]
            if following in path:
                cycle = " → ".join([*path[path.index(following) :], following])
                raise _fail(origins[start], f"anchors form a cycle: {cycle}", start)
            path.append(following)


def _read(path: Path, allowed: frozenset[str]) -> dict[str, Any]:
    origin = path.name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise PlaybookError(f"{origin}: file not found in {path.parent}") from None
    except tomllib.TOMLDecodeError as error:
        raise PlaybookError(f"{origin}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _fail(origin, f"unknown top-level field '{unknown[0]}'")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise _fail(origin, "'version' must be a non-empty string")
    if not isinstance(data.get("steps", []), list):
        raise _fail(origin, "'steps' must be an array of tables ([[steps]])")
    return data


@functools.cache
def load_playbook(country: str, data_dir: Path = DATA_DIR) -> Playbook:
    """The current playbook of ``country`` ("FR" or "LU"), validated; cached per process."""
    if country not in COUNTRIES:
        raise PlaybookError(f"unknown country {country!r} (expected one of {', '.join(COUNTRIES)})")
    common = _read(data_dir / "common.toml", COMMON_FIELDS)
    local_path = data_dir / f"{country.lower()}.toml"
    local = _read(local_path, COUNTRY_FIELDS)
    origin = local_path.name
    if local.get("country") != country:
        raise _fail(origin, f"'country' must be {country!r}")
    timezone = local.get("timezone")
    try:
        ZoneInfo(timezone)
    except (TypeError, ValueError, KeyError, OSError):
        raise _fail(origin, f"unknown timezone {timezone!r}") from None
    terms: dict[str, Text] = {}
    for name, texts in local.get("terms", {}).items():
        terms[name] = _text(texts, origin, f"terms.{name}", "term", terms=None)
    steps = [(_parse_step(raw, "common.toml", terms), "common.toml") for raw in common["steps"]]
    steps += [(_parse_step(raw, origin, terms), origin) for raw in local.get("steps", [])]
    _check_duplicates(steps)
    version = f"{country}-{local['version']}+common-{common['version']}"
    return _assemble(country, version, timezone, [step for step, _ in steps], origin)
