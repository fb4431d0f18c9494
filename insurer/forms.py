"""The dashboard's filters, checked before anything is counted."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coverage.models import Policy
from incident_app.models import Incident, Organisation

from .audit import AUDITED_STEPS, VERDICTS, Filters


class FilterForm(forms.Form):
    start = forms.DateField(label=_("Découvert à partir du"), required=False)
    end = forms.DateField(label=_("jusqu'au"), required=False)
    broker = forms.ModelChoiceField(
        label=_("Courtier"), queryset=Organisation.objects.none(), required=False
    )
    country = forms.ChoiceField(
        label=_("Pays"), choices=[("", "—"), *Organisation.Country.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Nature de l'attaque"), choices=[("", "—"), *Incident.Kind.choices], required=False
    )
    # A number typed, not a list: a portfolio holds thousands of policies.
    policy = forms.CharField(label=_("N° de contrat"), max_length=64, required=False)

    def __init__(self, *args, insurer_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.policies = policies = Policy.objects.filter(insurer_id__in=insurer_ids)
        self.fields["broker"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.BROKER, brokered_policies__in=policies
        ).distinct()

    def clean_policy(self):
        number = self.cleaned_data["policy"].strip()
        if not number:
            return None
        policy = self.policies.filter(number=number).first()
        if policy is None:
            raise forms.ValidationError(_("Aucun contrat de ce numéro dans votre portefeuille."))
        return policy

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("La fin de la période précède son début."))
        return cleaned

    def filters(self, zone: str) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data.get("start"),
            end=data.get("end"),
            broker=data["broker"].pk if data.get("broker") else None,
            country=data.get("country") or None,
            kind=data.get("kind") or None,
            policy=data["policy"].pk if data.get("policy") else None,
            zone=zone,
        )


class DrillForm(forms.Form):
    """Which figure of the dashboard the list is behind."""

    step = forms.ChoiceField(choices=[("", "")] + [(k, k) for k in AUDITED_STEPS], required=False)
    verdict = forms.ChoiceField(choices=[("", "")] + [(v, v) for v in VERDICTS], required=False)
    month = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%Y-%m"])
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("-discovered_at", _("découverte, la plus récente d'abord")),
            ("discovered_at", _("découverte, la plus ancienne d'abord")),
            ("reference", _("référence")),
            ("company__name", _("entreprise")),
            ("next_due_at", _("prochaine échéance")),
        ],
    )
