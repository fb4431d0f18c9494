from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .tasks import send_password_reset


class CodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_code(self):
        # People type codes with spaces, as apps show them ("123 456").
        return "".join(self.cleaned_data["code"].split()).lower()


class QueuedPasswordResetForm(PasswordResetForm):
    """Hands the address to the worker, whether or not an account has it."""

    def save(self, **kwargs):
        send_password_reset.delay_on_commit(self.cleaned_data["email"], get_language() or "fr")
