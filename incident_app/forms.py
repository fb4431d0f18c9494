"""Forms of the incident pages: they clean what people type, in the company's time zone."""

import uuid
from datetime import datetime, timedelta

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.language import reader_language
from playbooks import keys, timecalc
from playbooks.kinds import KINDS
from playbooks.timecalc import FIRST_YEAR, LAST_YEAR

from .models import Incident, User
from .services import communication
from .services.crisis import crisis_cell

INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")
# Phones and server clocks drift; a time a minute ahead is "now", not the future.
CLOCK_TOLERANCE = timedelta(minutes=2)


def typed_moment(naive: datetime, zone) -> datetime:
    """A wall-clock time typed in ``zone`` made aware by ``playbooks.timecalc.localize``,
    refusing with a message in the reader's language the times a clock change makes unclear.

    In spring one local hour does not exist (02:30 on the last Sunday of March in Paris); in
    autumn one hour happens twice. Elsewhere the autumn hour is read as its first occurrence;
    here the person is asked to say which, since guessing would move a legal deadline by an
    hour.
    """
    try:
        return timecalc.localize(naive, zone, refuse_ambiguous=True)
    except timecalc.NonexistentLocalTime:
        raise forms.ValidationError(
            _(
                "Cette heure n'existe pas à cause du passage à l'heure d'été : indiquez une "
                "heure juste avant ou juste après."
            ),
            code="nonexistent",
        ) from None
    except timecalc.AmbiguousLocalTime:
        raise forms.ValidationError(
            _(
                "Cette heure existe deux fois à cause du passage à l'heure d'hiver : indiquez "
                "une heure juste avant ou juste après."
            ),
            code="ambiguous",
        ) from None


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.Field):
    """A date and time typed in the company's zone (not the server's, nor the browser's)."""

    widget = LocalDateTimeInput
    default_error_messages = {
        "invalid": _("Saisissez une date et une heure valides, par exemple 24/03/2026 14:30."),
        "future": _("Cette heure est dans le futur : indiquez une heure passée."),
        "implausible": _("Vérifiez l'année : indiquez une date entre %(first)s et %(last)s."),
    }

    def __init__(self, *, zone, allow_future=False, **kwargs):
        self.zone = zone
        self.allow_future = allow_future
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        for pattern in INPUT_FORMATS:
            try:
                naive = datetime.strptime(text, pattern)
            except ValueError:
                continue
            # Checked before localising: converting year 1 or 9999 to UTC overflows.
            if not FIRST_YEAR <= naive.year <= LAST_YEAR:
                raise forms.ValidationError(
                    self.error_messages["implausible"],
                    code="implausible",
                    params={"first": FIRST_YEAR, "last": LAST_YEAR},
                )
            return typed_moment(naive, self.zone)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        super().validate(value)
        if value and not self.allow_future and value > timezone.now() + CLOCK_TOLERANCE:
            raise forms.ValidationError(self.error_messages["future"], code="future")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: evidence often comes as a handful of screenshots."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def current_policies(company, today=None):
    today = today or timezone.localdate(timezone=company.zone)
    # Through the company's own relation: the incidents know the policy, not its package.
    return company.policies.exclude(ends_on__lt=today).order_by("-starts_on")


def kind_choices():
    lang = reader_language()
    return [(kind.key, kind.label.get(lang, kind.label["fr"])) for kind in KINDS]


def kinds_field():
    """What is happening, asked the same way at declaration and when correcting it."""
    return forms.MultipleChoiceField(
        label=_("Que se passe-t-il ?"),
        help_text=_("Cochez tout ce qui correspond. En cas de doute, cochez « Autre »."),
        choices=kind_choices,  # read when shown, in the language of the request
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une situation.")},
    )


class DeclareForm(forms.Form):
    """The declaration: four short questions, nothing a stressed manager cannot answer."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    kinds = kinds_field()
    discovered_at = forms.Field(label=_("Quand l'avez-vous découvert ?"))  # replaced in __init__
    personal_data = forms.ChoiceField(
        label=_("Des données personnelles sont-elles touchées ?"),
        help_text=_("Clients, salariés, patients : noms, adresses, données bancaires ou de santé."),
        choices=Incident.PersonalData.choices,
        widget=forms.RadioSelect,
        initial=Incident.PersonalData.UNKNOWN,
        error_messages={"required": _("Répondez oui, non ou « je ne sais pas ».")},
    )
    network_usable = forms.TypedChoiceField(
        label=_("Le réseau du bureau est-il encore utilisable ?"),
        choices=[("yes", _("Oui")), ("no", _("Non")), ("", _("Je ne sais pas"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    policy = forms.ModelChoiceField(label=_("Contrat d'assurance concerné"), queryset=None)
    confirm_before_policy = forms.BooleanField(
        label=_("Je confirme : l'attaque a été découverte avant la date d'effet du contrat."),
        required=False,
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        lang = reader_language()
        self.kind_descriptions = {
            kind.key: kind.description.get(lang, kind.description["fr"]) for kind in KINDS
        }
        self.fields["discovered_at"] = LocalDateTimeField(
            zone=company.zone,
            label=_("Quand l'avez-vous découvert ?"),
            help_text=_(
                "L'heure où vous avez eu connaissance de l'attaque (heure de %(zone)s) : les "
                "délais légaux partent de là. Laissez l'heure actuelle si c'est maintenant."
            )
            % {"zone": company.timezone},
            error_messages={"required": _("Indiquez quand vous l'avez découvert.")},
        )
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
            self.initial.setdefault(
                "discovered_at", timezone.now().astimezone(company.zone).replace(second=0)
            )
        policies = current_policies(company)
        self.fields["policy"].queryset = policies
        self.policies = list(policies)
        if len(self.policies) == 1:
            # One contract: nothing to ask.
            self.fields["policy"].widget = forms.HiddenInput()
            self.fields["policy"].initial = self.policies[0].pk
        self.before_policy = False

    def clean(self):
        cleaned = super().clean()
        policy = cleaned.get("policy")
        discovered_at = cleaned.get("discovered_at")
        if policy and discovered_at:
            local_day = discovered_at.astimezone(self.company.zone).date()
            if local_day < policy.starts_on:
                self.before_policy = True
                if not cleaned.get("confirm_before_policy"):
                    self.add_error(
                        "confirm_before_policy",
                        _(
                            "Cette date précède la date d'effet du contrat (%(start)s) : "
                            "l'assureur pourrait refuser de couvrir l'attaque. Vérifiez la date, "
                            "ou cochez la case pour confirmer."
                        )
                        % {"start": policy.starts_on.strftime("%d/%m/%Y")},
                    )
        return cleaned


# Steps done by a phone call, where the name of the person reached is worth keeping.
CALL_STEPS = frozenset({"hotline", "bank_recall", "operator_block", "contact_host"})


class StepCompleteForm(forms.Form):
    done_at = forms.Field(required=False)  # replaced in __init__
    proof_reference = forms.CharField(label=_("Référence"), max_length=200, required=False)
    proof_details = forms.CharField(
        label=_("Précisions"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("Fichiers de preuve (facultatif)"), required=False)

    def __init__(self, *args, zone, step=None, lang="fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_at"] = LocalDateTimeField(
            zone=zone,
            required=False,
            label=_("Fait le"),
            help_text=_("Laissez vide si c'est maintenant ; sinon l'heure où c'était fait."),
        )
        if step is not None and step.text("proof_label", lang):
            self.fields["proof_reference"].label = step.text("proof_label", lang)
        # An example only where it fits: the police station means nothing for isolating PCs.
        if step is not None and step.key == keys.COMPLAINT:
            self.fields["proof_details"].help_text = _(
                "Par exemple le commissariat, le nom de la personne jointe."
            )
        elif step is not None and step.key in CALL_STEPS:
            self.fields["proof_details"].help_text = _("Par exemple le nom de la personne jointe.")


class NotApplicableForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi cette étape est-elle sans objet ?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez pourquoi cette étape est sans objet.")},
    )


class EvidenceUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Fichiers"),
        error_messages={"required": _("Choisissez au moins un fichier.")},
    )
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    step = forms.CharField(required=False, widget=forms.HiddenInput)


class WithdrawEvidenceForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du retrait"),
        max_length=500,
        error_messages={"required": _("Indiquez pourquoi cette preuve est retirée.")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Ajouter une note au journal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("La note est vide.")},
    )


class StatusForm(forms.Form):
    """Close a handled incident, or reopen a closed one; the reason goes to the journal."""

    CLOSE, REOPEN = "close", "reopen"

    # Written by the page for the incident's status: the service refuses a stale one.
    action = forms.ChoiceField(choices=[(CLOSE, CLOSE), (REOPEN, REOPEN)], widget=forms.HiddenInput)
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        if incident.is_closed:
            reason.label = _("Pourquoi rouvrir l'incident ?")
            reason.error_messages["required"] = _("Indiquez le motif de la réouverture.")
        else:
            reason.label = _("Pourquoi clore l'incident ?")
            reason.help_text = _(
                "Par exemple : systèmes rétablis, plainte déposée, dossier transmis."
            )
            reason.error_messages["required"] = _("Indiquez le motif de la clôture.")


class FactsForm(forms.Form):
    kinds = kinds_field()
    discovered_at = forms.Field()  # replaced in __init__
    personal_data = forms.ChoiceField(
        label=_("Des données personnelles sont-elles touchées ?"),
        choices=Incident.PersonalData.choices,
        widget=forms.RadioSelect,
    )
    personal_data_aware_at = forms.Field(required=False)  # replaced in __init__
    high_risk = forms.BooleanField(
        label=_("Risque élevé pour les personnes (données bancaires, de santé, mots de passe…)"),
        required=False,
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discovered_at"] = LocalDateTimeField(
            zone=zone,
            label=_("Découvert le"),
            help_text=_("Point de départ des délais légaux."),
            error_messages={"required": _("Indiquez quand vous l'avez découvert.")},
        )
        self.fields["personal_data_aware_at"] = LocalDateTimeField(
            zone=zone,
            required=False,
            label=_("Atteinte aux données personnelles connue le"),
            help_text=_("Laissez vide si c'est au moment de la découverte."),
        )

    def clean_kinds(self):
        kinds = self.cleaned_data["kinds"]
        recorded = self.initial.get("kinds") or []
        # The same answers ticked in another order are no correction.
        return list(recorded) if set(kinds) == set(recorded) else kinds

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("high_risk") and cleaned.get("personal_data") == "no":
            self.add_error(
                "high_risk",
                _("Un risque élevé pour les personnes suppose que des données sont touchées."),
            )
        aware = cleaned.get("personal_data_aware_at")
        discovered = cleaned.get("discovered_at")
        if aware and discovered and aware < discovered:
            self.add_error(
                "personal_data_aware_at",
                _("Cette heure précède la découverte de l'attaque."),
            )
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        error_messages={
            "required": _("Indiquez une adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )
    first_name = forms.CharField(label=_("Prénom (facultatif)"), max_length=150, required=False)


class ListedChoices(ModelChoiceIterator):
    """The choices of a select read with one plain query.

    Django reads model choices with ``QuerySet.iterator()``, which on PostgreSQL opens a
    server-side cursor: four round trips for the few people of a crisis cell.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices


class AssignForm(forms.Form):
    assignee = ListedModelChoiceField(
        label=_("Confier à"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Personne"),
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            pk__in=crisis_cell(company).values("user_id")
        ).order_by("email")


class CommunicationSentForm(forms.Form):
    audience = forms.ChoiceField(choices=list(communication.AUDIENCES.items()))
    lang = forms.ChoiceField(choices=list(communication.LANGUAGES.items()))
    text = forms.CharField(
        label=_("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Le message envoyé est vide.")},
    )
