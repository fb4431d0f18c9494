"""Forms of the broker's workspace and of the company's answers."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incident_app.forms import LocalDateTimeField, MultipleFileField
from incident_app.models import ExpertAccess, Incident

from . import completeness


class DateInput(forms.DateInput):
    input_type = "date"


def end_of_day(day, zone) -> datetime:
    """A due date typed as a day means the end of that day in the company's zone."""
    return datetime.combine(day, time(23, 59), tzinfo=zone)


class RequestForm(forms.Form):
    item = forms.ChoiceField(label=_("Élément du dossier"), required=False)
    title = forms.CharField(
        label=_("Demande (si ce n'est pas un élément de la liste)"), max_length=200, required=False
    )
    details = forms.CharField(
        label=_("Précisions pour le client"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    due_on = forms.DateField(label=_("À fournir avant le"), widget=DateInput)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["item"].choices = [("", _("Autre (texte libre)")), *completeness.item_choices()]

    def clean(self):
        data = super().clean()
        if not data.get("item") and not (data.get("title") or "").strip():
            self.add_error("title", _("Choisissez un élément de la liste ou écrivez la demande."))
        day = data.get("due_on")
        if day is not None:
            data["due_at"] = end_of_day(day, self.zone)
            if data["due_at"] <= timezone.now():
                self.add_error("due_on", _("La date limite doit être dans le futur."))
        return data


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    files = MultipleFileField(label=_("Fichiers"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("files"):
            raise forms.ValidationError(_("Écrivez une réponse ou joignez un fichier."))
        return data


class ReviewForm(forms.Form):
    ACCEPT, SEND_BACK = "accept", "send_back"
    action = forms.ChoiceField(
        choices=[(ACCEPT, _("Accepter")), (SEND_BACK, _("Renvoyer au client"))]
    )
    comment = forms.CharField(
        label=_("Ce qui manque (pour un renvoi)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.SEND_BACK and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Dites au client ce qui manque."))
        return data


class ClaimStateForm(forms.Form):
    state = forms.ChoiceField(label=_("Nouvel état"), choices=Incident.Status.choices)
    note = forms.CharField(
        label=_("Note (obligatoire)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    shared = forms.BooleanField(
        label=_("Partager avec l'entreprise (elle est prévenue)"), required=False
    )


class ExpertGrantForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'expert"), max_length=200)
    email = forms.EmailField(label=_("Adresse e-mail"))
    firm = forms.CharField(label=_("Cabinet"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Qualité"), choices=ExpertAccess.Role.choices)
    parts = forms.MultipleChoiceField(
        label=_("Ce qu'il peut consulter"),
        choices=ExpertAccess.Part.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_at = LocalDateTimeField(label=_("Accès jusqu'au"), zone=None, allow_future=True)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].zone = zone
