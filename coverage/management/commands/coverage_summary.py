"""Print what an incident's policy is estimated to pay, and the conditions of the cover."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from coverage.indemnity import format_eur
from coverage.services.conditions import Status
from coverage.services.summary import coverage_summary
from incident_app.models import Incident

STATUS_LABELS = {
    "fr": {
        Status.MET: "rempli",
        Status.NOT_YET: "pas encore",
        Status.MISSED: "manqué",
        Status.TO_CONFIRM: "à confirmer",
        Status.NOT_APPLICABLE: "sans objet",
    },
    "en": {
        Status.MET: "met",
        Status.NOT_YET: "not yet",
        Status.MISSED: "missed",
        Status.TO_CONFIRM: "to confirm",
        Status.NOT_APPLICABLE: "not applicable",
    },
}

HEADINGS = {
    "fr": {
        "title": "Couverture de l'incident {reference} — contrat {policy}",
        "none": "Aucune garantie déclenchée.",
        "no_cost": "  (aucun frais enregistré)",
        "total": "Indemnité estimée totale : {amount}",
        "conditions": "Conditions qui protègent la garantie :",
        "advice": "Conseils :",
        "due": "échéance",
        "done": "fait le",
        "proof": "preuve",
        "source": "source",
    },
    "en": {
        "title": "Coverage of incident {reference} — policy {policy}",
        "none": "No guarantee triggered.",
        "no_cost": "  (no cost recorded)",
        "total": "Total estimated indemnity: {amount}",
        "conditions": "Conditions that protect the cover:",
        "advice": "Advice:",
        "due": "due",
        "done": "done",
        "proof": "proof",
        "source": "source",
    },
}


class Command(BaseCommand):
    help = "Shows the coverage summary of an incident: guarantees, costs, estimates, conditions."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="Incident reference, e.g. RIP-DEMO-0001")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the summary as JSON."
        )
        parser.add_argument("--lang", choices=["fr", "en"], default="fr")

    def handle(self, *args, reference, as_json: bool, lang: str, **options):
        incident = (
            Incident.objects.select_related("company", "policy").filter(reference=reference).first()
        )
        if incident is None:
            raise CommandError(f"unknown incident reference {reference!r}")
        with translation.override(lang):
            summary = coverage_summary(incident, lang=lang)
        if as_json:
            self.stdout.write(_dumps(summary.as_dict()))
            return
        self.stdout.write(self._text(summary, incident, lang))

    def _text(self, summary, incident, lang) -> str:
        words = HEADINGS[lang]
        zone = incident.company.zone
        lines = [words["title"].format(reference=summary.reference, policy=summary.policy_number)]
        lines.append("")
        if not summary.guarantees:
            lines.append(words["none"])
        for guarantee in summary.guarantees:
            lines.append(f"{guarantee.label} — {format_eur(guarantee.estimate.payable, lang)}")
            lines.append(f"  {guarantee.pays}")
            if not guarantee.costs and guarantee.kind != "business_interruption":
                lines.append(words["no_cost"])
                lines.append("")
                continue
            for cost in guarantee.costs:
                lines.append(
                    f"  · {cost.incurred_on.isoformat()} {cost.supplier}: "
                    f"{format_eur(cost.amount, lang)}"
                )
            lines.extend(f"  > {sentence}" for sentence in guarantee.explanation)
            lines.append("")
        lines.extend(summary.total_explanation)
        lines.append(words["total"].format(amount=format_eur(summary.total.total_payable, lang)))
        for heading, conditions in (
            (words["conditions"], summary.conditions),
            (words["advice"], summary.advice),
        ):
            if not conditions:
                continue
            lines.append("")
            lines.append(heading)
            for condition in conditions:
                status = STATUS_LABELS[lang][condition.status]
                lines.append(f"- [{status}] {condition.title}")
                details = []
                if condition.due_at:
                    details.append(
                        f"{words['due']} {condition.due_at.astimezone(zone):%Y-%m-%d %H:%M}"
                    )
                if condition.done_at:
                    details.append(
                        f"{words['done']} {condition.done_at.astimezone(zone):%Y-%m-%d %H:%M}"
                    )
                if condition.proof_reference:
                    details.append(f"{words['proof']} {condition.proof_reference}")
                if details:
                    lines.append("    " + ", ".join(details))
                if condition.source:
                    lines.append(f"    {words['source']}: {condition.source}")
        return "\n".join(lines)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
