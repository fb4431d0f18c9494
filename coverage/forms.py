"""Forms of the coverage page: they parse and say what is wrong; the services decide."""

from datetime import MAXYEAR
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from playbooks.timecalc import FIRST_YEAR, LAST_YEAR

from .models import Cost, Guarantee

AMOUNT_ERRORS = {
    "required": _("Indiquez le montant."),
    "invalid": _("Indiquez un montant en euros, par exemple 1800 ou 1800,50."),
    "max_digits": _("Ce montant est trop grand : vérifiez la saisie."),
    "max_whole_digits": _("Ce montant est trop grand : vérifiez la saisie."),
    "max_decimal_places": _("Indiquez au plus deux décimales (les centimes)."),
    "min_value": _("Un montant ne peut pas être négatif."),
}


class EuroField(forms.DecimalField):
    """An amount as people type it: "1 500,50", "1500.50 €" or "1 500 €"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("€", "").replace("\u202f", "")
        return super().to_python(value)


def _amount(label, required=True, help_text=""):
    return EuroField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        error_messages=AMOUNT_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class CostForm(forms.Form):
    guarantee = forms.ModelChoiceField(
        label=_("Garantie concernée"),
        queryset=Guarantee.objects.none(),
        empty_label=_("Choisissez la garantie"),
        error_messages={
            "required": _("Choisissez la garantie concernée."),
            "invalid_choice": _("Le contrat de cet incident ne comporte pas cette garantie."),
        },
    )
    supplier = forms.CharField(
        label=_("Fournisseur"),
        max_length=200,
        error_messages={"required": _("Indiquez le fournisseur.")},
    )
    incurred_on = forms.DateField(
        label=_("Date de la facture"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez la date de la facture."),
            "invalid": _("Indiquez une date valide."),
        },
    )
    description = forms.CharField(label=_("Objet"), max_length=500, required=False)
    amount_excl_vat = _amount(_("Montant hors TVA (€)"))
    amount_incl_vat = _amount(_("Montant TVA comprise (€)"))
    counted = forms.ChoiceField(
        label=_("Montant à retenir"),
        choices=Cost.Counted.choices,
        initial=Cost.Counted.EXCL_VAT,
        widget=forms.RadioSelect,
        help_text=_(
            "En général hors TVA : une entreprise assujettie récupère la TVA. TVA comprise si "
            "l'entreprise ne peut pas la récupérer (par exemple une activité médicale)."
        ),
    )
    invoice = forms.FileField(
        label=_("Facture (PDF ou image)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,image/webp"}
        ),
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guarantee"].queryset = policy.guarantees.order_by("pk")
        self.fields["guarantee"].label_from_instance = lambda g: g.get_kind_display()


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time whose year is checked before anything converts it: year 1 typed in a
    zone ahead of UTC falls before the first representable moment, and the conversion to
    UTC would fail the request instead of telling the person."""

    def to_python(self, value):
        # Made aware of the zone (not converted yet): the year is the one typed. A year past
        # the range but convertible is left to the service, which says it is in the future.
        moment = super().to_python(value)
        if moment is not None and (moment.year < FIRST_YEAR or moment.year >= MAXYEAR):
            raise forms.ValidationError(
                _("Vérifiez l'année : indiquez une date entre %(first)s et %(last)s."),
                code="implausible",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return moment


class BusinessInterruptionForm(forms.Form):
    """Times are read and shown in the company's time zone (the view activates it)."""

    started_at = PlausibleDateTimeField(
        label=_("Début de l'interruption"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Indiquez quand l'interruption a commencé."),
            "invalid": _("Indiquez une date et une heure valides."),
        },
    )
    ended_at = PlausibleDateTimeField(
        label=_("Fin de l'interruption"),
        required=False,
        help_text=_("Laissez vide tant que l'interruption dure : l'estimation se met à jour."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Indiquez une date et une heure valides.")},
    )
    hourly_margin = _amount(
        _("Marge brute horaire (€)"),
        required=False,
        help_text=_("Ou bien la marge brute annuelle et les heures d'exploitation."),
    )
    annual_margin = _amount(_("Marge brute annuelle (€)"), required=False)
    operating_hours_per_year = forms.IntegerField(
        label=_("Heures d'exploitation par an"),
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("Indiquez un nombre entier d'heures."),
            "min_value": _("Indiquez un nombre d'heures positif."),
        },
    )
    extra_costs = _amount(_("Frais supplémentaires d'exploitation (€)"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_at"), cleaned.get("ended_at")
        if start and end and end < start:
            self.add_error("ended_at", _("La fin de l'interruption précède son début."))
        return cleaned


class AttestationForm(forms.Form):
    statement = forms.CharField(
        label=_("Précisions (facultatif)"),
        max_length=500,
        required=False,
        help_text=_("Par exemple : qui a validé le virement, et comment."),
    )


class CostWithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du retrait"),
        max_length=500,
        error_messages={"required": _("Indiquez pourquoi ce coût est retiré.")},
    )
