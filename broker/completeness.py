"""What a complete claim file holds: one rule per item, and the checklist of an incident.

Each rule reads the incident's facts (steps, evidence, costs, business-interruption
figures, the policy's guarantees) and says whether its item is present, missing or not
required, and where it is fixed. The broker's workspace, the company's incident page
("what your broker still needs"), the requests and the portfolio's score all read this list.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from coverage.models import BusinessInterruption, Cost, Guarantee
from coverage.triggers import triggered_kinds
from incident_app.models import Evidence, Incident, Step
from playbooks import keys

PRESENT, MISSING, NOT_REQUIRED = "present", "missing", "not_required"


@dataclass
class Facts:
    """What the rules read, each read once however many rules ask."""

    incident: Incident

    @cached_property
    def steps(self) -> dict[str, Step]:
        return {step.key: step for step in self.incident.steps.all()}

    @cached_property
    def evidence(self) -> list[Evidence]:
        return list(self.incident.evidence.filter(withdrawn_at__isnull=True))

    @cached_property
    def costs(self) -> list[Cost]:
        return list(Cost.objects.filter(incident=self.incident, withdrawn_at__isnull=True))

    @cached_property
    def guarantee_kinds(self) -> set[str]:
        return set(
            Guarantee.objects.filter(policy_id=self.incident.policy_id).values_list(
                "kind", flat=True
            )
        )

    @cached_property
    def interruption(self) -> BusinessInterruption | None:
        return BusinessInterruption.objects.filter(incident=self.incident).first()

    def step(self, key: str) -> Step | None:
        step = self.steps.get(key)
        return step if step is not None and step.applicable else None

    def files_for(self, key: str) -> list[Evidence]:
        step = self.steps.get(key)
        return [e for e in self.evidence if step is not None and e.step_id == step.pk]

    def step_url(self, key: str) -> str:
        return reverse("step_detail", args=[self.incident.reference, key])


@dataclass
class Item:
    key: str
    label: str
    state: str
    url: str = ""
    detail: str = ""

    @property
    def present(self) -> bool:
        return self.state == PRESENT

    @property
    def missing(self) -> bool:
        return self.state == MISSING


@dataclass
class Checklist:
    items: list[Item] = field(default_factory=list)

    @property
    def required(self) -> list[Item]:
        return [item for item in self.items if item.state != NOT_REQUIRED]

    @property
    def missing(self) -> list[Item]:
        return [item for item in self.items if item.missing]

    @property
    def present_count(self) -> int:
        return sum(1 for item in self.items if item.present)

    @property
    def score(self) -> int:
        """Percent of the required items present; a file that requires nothing is complete."""
        required = len(self.required)
        return round(100 * self.present_count / required) if required else 100

    def get(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)


Rule = Callable[[Facts], list[Item]]
RULES: list[Rule] = []
# The items a request may name, with the step its files are attached to.
ITEM_STEPS: dict[str, str] = {}
ITEM_LABELS: dict[str, object] = {}


def rule(key: str, label, step: str | None = None):
    ITEM_LABELS[key] = label
    if step:
        ITEM_STEPS[key] = step

    def register(function):
        RULES.append(function)
        return function

    return register


def _step_proof(facts: Facts, key: str, item: str, label, *, needs_reference=True) -> Item:
    """Present when the step is done with its reference (or a file); not required when the
    playbook does not ask for the step here or it was marked not applicable."""
    step = facts.step(key)
    url = facts.step_url(key) if step else ""
    if step is None or step.status == Step.Status.NOT_APPLICABLE:
        return Item(item, str(label), NOT_REQUIRED, url)
    if step.status == Step.Status.DONE and (
        step.proof_reference or (not needs_reference or facts.files_for(key))
    ):
        return Item(item, str(label), PRESENT, url, step.proof_reference)
    return Item(item, str(label), MISSING, url)


@rule("complaint_receipt", _("Récépissé de plainte"), step=keys.COMPLAINT)
def complaint_receipt(facts: Facts) -> list[Item]:
    # A condition of any payment for an attack in France (Code des assurances L12-10-1).
    return [
        _step_proof(facts, keys.COMPLAINT, "complaint_receipt", ITEM_LABELS["complaint_receipt"])
    ]


@rule(
    "dpa_number",
    _("Numéro de notification à l'autorité de protection des données"),
    step="dpa_notification",
)
def dpa_number(facts: Facts) -> list[Item]:
    label = ITEM_LABELS["dpa_number"]
    if facts.incident.personal_data == Incident.PersonalData.NO:
        return [Item("dpa_number", str(label), NOT_REQUIRED)]
    item = _step_proof(facts, "dpa_notification", "dpa_number", label)
    if item.present and not facts.step("dpa_notification").proof_reference:
        # The notification number is what the insurer checks, not a file alone.
        item.state = MISSING
    return [item]


@rule("assistance_file", _("Numéro de dossier d'assistance"), step="hotline")
def assistance_file(facts: Facts) -> list[Item]:
    item = _step_proof(facts, "hotline", "assistance_file", ITEM_LABELS["assistance_file"])
    if item.present and not facts.step("hotline").proof_reference:
        item.state = MISSING
    return [item]


@rule(
    "claim_number", _("Sinistre déclaré, avec le numéro de l'assureur"), step=keys.CLAIM_DECLARATION
)
def claim_number(facts: Facts) -> list[Item]:
    item = _step_proof(facts, keys.CLAIM_DECLARATION, "claim_number", ITEM_LABELS["claim_number"])
    if item.present and not facts.step(keys.CLAIM_DECLARATION).proof_reference:
        item.state = MISSING
    return [item]


@rule("invoices", _("Une facture pour chaque coût"))
def invoices(facts: Facts) -> list[Item]:
    label = str(ITEM_LABELS["invoices"])
    url = reverse("coverage_summary", args=[facts.incident.reference])
    if not facts.costs:
        return [Item("invoices", label, NOT_REQUIRED, url)]
    without = [cost for cost in facts.costs if cost.invoice_id is None]
    if without:
        detail = ", ".join(cost.supplier for cost in without)
        return [Item("invoices", label, MISSING, url, detail)]
    return [Item("invoices", label, PRESENT, url)]


@rule("business_interruption", _("Chiffres des pertes d'exploitation"))
def business_interruption(facts: Facts) -> list[Item]:
    label = str(ITEM_LABELS["business_interruption"])
    url = reverse("interruption_edit", args=[facts.incident.reference])
    kind = Guarantee.Kind.BUSINESS_INTERRUPTION
    try:
        triggered = kind in triggered_kinds(facts.incident.kinds, facts.incident.personal_data)
    except ValueError:
        triggered = False
    if not (triggered and kind in facts.guarantee_kinds):
        return [Item("business_interruption", label, NOT_REQUIRED, url)]
    return [Item("business_interruption", label, PRESENT if facts.interruption else MISSING, url)]


# The evidence each kind of attack calls for: item, label, and the step whose files hold it.
ATTACK_EVIDENCE = {
    "ransomware": ("ransom_note", _("Note de rançon"), "preserve_evidence"),
    "phishing": ("suspicious_emails", _("E-mails suspects"), "preserve_evidence"),
    "transfer_fraud": ("bank_recall", _("Demande de rappel des fonds à la banque"), "bank_recall"),
    "telephone_fraud": ("operator_block", _("Demande de blocage à l'opérateur"), "operator_block"),
    "data_leak": (
        "leak_evidence",
        _("Preuves de la fuite (journaux, captures)"),
        "preserve_evidence",
    ),
    "account_takeover": (
        "takeover_evidence",
        _("Preuves de la prise de contrôle (journaux de connexion)"),
        "preserve_evidence",
    ),
    "ddos": (
        "ddos_evidence",
        _("Preuves de l'attaque (journaux, échanges avec l'hébergeur)"),
        "preserve_evidence",
    ),
}
for _item, _label, _step in ATTACK_EVIDENCE.values():
    ITEM_LABELS[_item] = _label
    ITEM_STEPS[_item] = _step


@rule("attack_evidence", _("Preuves de l'attaque"))
def attack_evidence(facts: Facts) -> list[Item]:
    """A file kept with the step that asks for it, or the step done with its reference
    (the bank's or the operator's acknowledgement number)."""
    items = []
    for kind in facts.incident.kinds:
        if kind not in ATTACK_EVIDENCE:
            continue
        key, label, step_key = ATTACK_EVIDENCE[kind]
        if any(item.key == key for item in items):
            continue
        step = facts.step(step_key)
        url = facts.step_url(step_key) if step else ""
        if facts.files_for(step_key) or (
            step is not None and step.status == Step.Status.DONE and step.proof_reference
        ):
            items.append(Item(key, str(label), PRESENT, url))
        elif step is None or step.status == Step.Status.NOT_APPLICABLE:
            items.append(Item(key, str(label), NOT_REQUIRED, url))
        else:
            items.append(Item(key, str(label), MISSING, url))
    return items


def checklist(incident: Incident) -> Checklist:
    """The incident's checklist, in the active language."""
    facts = Facts(incident)
    result = Checklist()
    for function in RULES:
        result.items.extend(function(facts))
    return result


def item_choices() -> list[tuple[str, str]]:
    """The items a request may be tied to, for the request form."""
    return [(key, str(label)) for key, label in ITEM_LABELS.items() if key != "attack_evidence"]


def item_url(incident: Incident, key: str) -> str:
    """Where an item is fixed, without reading the incident's facts."""
    if key == "invoices":
        return reverse("coverage_summary", args=[incident.reference])
    if key == "business_interruption":
        return reverse("interruption_edit", args=[incident.reference])
    if key in ITEM_STEPS:
        return reverse("step_detail", args=[incident.reference, ITEM_STEPS[key]])
    return ""


def missing_items(incident: Incident, keys_missing: list[str]) -> list[Item]:
    """The missing items a summary row names, with their labels in the active language."""
    return [
        Item(key, str(ITEM_LABELS[key]), MISSING, item_url(incident, key))
        for key in keys_missing
        if key in ITEM_LABELS
    ]
