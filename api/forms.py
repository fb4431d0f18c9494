"""Forms of the API's management pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incident_app.models import Organisation

from .models import WebhookEndpoint
from .services import webhooks


class _OrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )


class TokenForm(_OrganisationForm):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour le reconnaître : le système qui l'utilise, par exemple."),
    )


class WebhookForm(_OrganisationForm):
    url = forms.URLField(
        label=_("Adresse de réception (https://…)"), max_length=500, assume_scheme="https"
    )
    events = forms.MultipleChoiceField(
        label=_("Événements"),
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        webhooks.check_url(url)
        return url
