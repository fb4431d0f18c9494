"""Forms of the printable papers: each cleans what it saves, in the reader's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incident_app.forms import LocalDateTimeField

from .models import ComplaintLetter, DataBreachNotification

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


class LanguageForm(forms.Form):
    lang = forms.ChoiceField(label=_("Langue du document"), choices=LANGUAGE_CHOICES)


class NotificationForm(forms.ModelForm):
    class Meta:
        model = DataBreachNotification
        fields = [
            "phase",
            "nature",
            "people_categories",
            "people_count",
            "record_categories",
            "record_count",
            "contact",
            "consequences",
            "measures_taken",
            "measures_proposed",
            "delay_reasons",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "nature",
                "people_categories",
                "record_categories",
                "consequences",
                "measures_taken",
                "measures_proposed",
                "delay_reasons",
            )
        }


class AcknowledgementForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro donné par l'autorité"),
        max_length=100,
        help_text=_("Le numéro de l'accusé de réception (ex. sur le récapitulatif de la CNIL)."),
    )
    receipt = forms.FileField(
        label=_("Accusé de réception (PDF, capture)"),
        required=False,
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_at"] = LocalDateTimeField(
            zone=zone, label=_("Notifiée le (heure de l'entreprise)")
        )
        self.order_fields(["number", "notified_at", "receipt"])


class ComplaintLetterForm(forms.ModelForm):
    class Meta:
        model = ComplaintLetter
        fields = ["addressee", "facts", "systems", "ransom", "damage"]
        widgets = {
            "addressee": forms.Textarea(attrs={"rows": 4}),
            "facts": forms.Textarea(attrs={"rows": 8}),
            "systems": forms.Textarea(attrs={"rows": 3}),
            "ransom": forms.Textarea(attrs={"rows": 3}),
            "damage": forms.Textarea(attrs={"rows": 3}),
        }
