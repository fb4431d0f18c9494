"""The forms of the preparedness page; each cleans what it saves, in the user's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incident_app.models import Organisation

from .models import DirectoryEntry, MessageTemplate, RosterEntry


class CompanyProfileForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "legal_name",
            "registration_number",
            "address",
            "department",
            "legal_representative",
            "dpo_contact",
            "sector",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.country != Organisation.Country.FR:
            # Departments are French; Luxembourg has one calendar.
            del self.fields["department"]
            self.fields["registration_number"].label = _("Numéro RCS")
        else:
            self.fields["registration_number"].label = _("Numéro SIREN")

    def clean_department(self):
        return self.cleaned_data["department"].strip().upper()

    def clean_registration_number(self):
        value = " ".join(self.cleaned_data["registration_number"].split())
        if self.instance.country == Organisation.Country.FR and value:
            digits = value.replace(" ", "")
            if not (digits.isdigit() and len(digits) in (9, 14)):
                raise forms.ValidationError(
                    _("Un SIREN compte 9 chiffres (ou 14 pour un SIRET), ex. 123 456 789.")
                )
        return value


class RosterEntryForm(forms.ModelForm):
    class Meta:
        model = RosterEntry
        fields = ["name", "role", "mobile", "email", "may_call_hotline"]
        widgets = {"mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}


class DirectoryEntryForm(forms.ModelForm):
    class Meta:
        model = DirectoryEntry
        fields = ["kind", "name", "phone", "email", "notes"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["audience", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
