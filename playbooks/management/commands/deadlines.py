"""Print an incident's steps and deadlines, with each rule and its source.

    python manage.py deadlines --country FR --kind ransomware --discovered 2026-10-23T22:15 \\
        --tz Europe/Paris --personal-data yes [--nis2] [--declaration-days 5] [--json] \\
        [--department 67]

--department names the company's French department: in Alsace-Moselle (57, 67, 68) working
days also skip Good Friday and 26 December.

A --discovered without offset is read in --tz (default: the country's zone). The labels are
printed in --lang; bad input exits non-zero with a one-line message, in English.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from playbooks import timecalc
from playbooks.engine import (
    COUNTRIES,
    KINDS,
    PERSONAL_DATA_ANSWERS,
    IncidentFacts,
    PlannedStep,
    load_playbook,
    plan,
)

KIND_KEYS = [kind.key for kind in KINDS]


class Command(BaseCommand):
    help = "Print the playbook steps of an incident, in order, with due date, rule and source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", help=f"one of {', '.join(COUNTRIES)}")
        parser.add_argument(
            "--kind", action="append", help=f"repeatable; one of {', '.join(KIND_KEYS)}"
        )
        parser.add_argument("--discovered", help="ISO 8601 date and time, e.g. 2026-10-23T22:15")
        parser.add_argument("--tz", help="IANA zone, e.g. Europe/Paris (default: the country's)")
        parser.add_argument(
            "--personal-data", default="unknown", help="yes, no or unknown (default)"
        )
        parser.add_argument("--personal-data-aware", help="when the data breach became known")
        parser.add_argument("--high-risk", action="store_true", help="high risk to the people")
        parser.add_argument("--nis2", action="store_true", help="the company is a NIS2 entity")
        parser.add_argument(
            "--declaration-days", default="5", help="the policy's declaration delay (working days)"
        )
        parser.add_argument(
            "--department",
            default="",
            help="French department, e.g. 67 (Alsace-Moselle: 57, 67, 68)",
        )
        parser.add_argument("--lang", default="en", help="fr or en (default en)")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args, **options) -> None:
        country = (options["country"] or "").upper()
        if country not in COUNTRIES:
            raise CommandError(
                f"unknown country {options['country']!r} (expected {' or '.join(COUNTRIES)})"
            )
        kinds = options["kind"] or []
        if not kinds:
            raise CommandError(f"give at least one --kind ({', '.join(KIND_KEYS)})")
        for kind in kinds:
            if kind not in KIND_KEYS:
                raise CommandError(
                    f"unknown kind {kind!r} (expected one of {', '.join(KIND_KEYS)})"
                )
        lang = options["lang"]
        if lang not in ("fr", "en"):
            raise CommandError(f"unknown language {lang!r} (expected fr or en)")
        personal_data = options["personal_data"]
        if personal_data not in PERSONAL_DATA_ANSWERS:
            raise CommandError(
                f"--personal-data must be one of {', '.join(PERSONAL_DATA_ANSWERS)}, "
                f"got {personal_data!r}"
            )
        try:
            declaration_days = int(options["declaration_days"])
        except ValueError:
            declaration_days = 0
        if declaration_days < 1:
            raise CommandError(
                f"--declaration-days must be a positive whole number, "
                f"got {options['declaration_days']!r}"
            )
        department = (options["department"] or "").strip().upper()
        if department and (country != "FR" or not timecalc.is_department(department)):
            raise CommandError(
                f"--department {options['department']!r}: expected a French department "
                f"(e.g. 67) with --country FR"
            )
        playbook = load_playbook(country)
        zone = self._zone(options["tz"] or playbook.timezone)
        if not options["discovered"]:
            raise CommandError("give --discovered, e.g. 2026-10-23T22:15")
        discovered_at = self._instant(options["discovered"], zone, "--discovered")
        aware_at = None
        if options["personal_data_aware"]:
            aware_at = self._instant(options["personal_data_aware"], zone, "--personal-data-aware")
        try:
            facts = IncidentFacts(
                country=country,
                kinds=frozenset(kinds),
                discovered_at=discovered_at,
                personal_data=personal_data,
                high_risk=options["high_risk"],
                nis2=options["nis2"],
                declaration_days=declaration_days,
                personal_data_aware_at=aware_at,
                department=department,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        steps = plan(facts, playbook)
        if options["json"]:
            self.stdout.write(json.dumps([self._as_json(s, zone, lang) for s in steps], indent=2))
            return
        with translation.override(lang):
            self.stdout.write(
                _("Guide %(version)s — %(kinds)s — découvert le %(discovered)s (%(zone)s)")
                % {
                    "version": playbook.version,
                    "kinds": ", ".join(sorted(kinds)),
                    "discovered": discovered_at.astimezone(zone).isoformat(),
                    "zone": zone.key,
                }
            )
            for step in steps:
                self._print_step(step, zone, lang)

    @staticmethod
    def _zone(name: str) -> ZoneInfo:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError, OSError):
            raise CommandError(f"unknown time zone {name!r}") from None

    @staticmethod
    def _instant(text: str, zone: ZoneInfo, option: str) -> datetime:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                f"{option}: cannot read {text!r} as a date and time (e.g. 2026-10-23T22:15)"
            ) from None
        # Checked before localising: converting year 1 or 9999 to UTC overflows.
        if not timecalc.FIRST_YEAR <= value.year <= timecalc.LAST_YEAR:
            raise CommandError(
                f"{option}: {text!r} is not a plausible date "
                f"(expected a year from {timecalc.FIRST_YEAR} to {timecalc.LAST_YEAR})"
            )
        if value.tzinfo is not None:
            return value
        try:
            return timecalc.localize(value, zone)
        except ValueError as error:
            raise CommandError(f"{option}: {error}") from None

    @staticmethod
    def _due(step: PlannedStep, zone: ZoneInfo) -> str | None:
        return step.due_at.astimezone(zone).isoformat() if step.due_at else None

    def _print_step(self, step: PlannedStep, zone: ZoneInfo, lang: str) -> None:
        self.stdout.write(f"{step.order:>2}. {step.key} — {step.text('title', lang)}")
        due = self._due(step, zone)
        if due is None:
            due = (
                _("maintenant (pas de délai légal)")
                if step.at_once
                else _("— (pas de délai légal)")
            )
        elif step.provisional:
            due = _("%(due)s (estimation : comptée depuis l'échéance de l'étape qu'elle suit)") % {
                "due": due
            }
        self.stdout.write("    " + _("échéance : %(due)s") % {"due": due})
        if step.rule:
            self.stdout.write("    " + _("règle : %(rule)s") % {"rule": step.text("rule", lang)})
            self.stdout.write("    " + _("source : %(source)s") % {"source": step.source})

    def _as_json(self, step: PlannedStep, zone: ZoneInfo, lang: str) -> dict:
        return {
            "key": step.key,
            "order": step.order,
            "title": step.text("title", lang),
            "due_at": self._due(step, zone),
            "at_once": step.at_once,
            "provisional": step.provisional,
            "rule": step.text("rule", lang) or None,
            "source": step.source or None,
            "note": step.text("note", lang) or None,
            "indemnity_condition": step.indemnity_condition,
            "advisory": bool(step.rule and step.rule.advisory),
            "proof": step.proof,
            "proof_label": step.text("proof_label", lang) or None,
            "playbook_version": step.playbook_version,
        }
