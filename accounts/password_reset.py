"""Password reset: the same answer, in the same time, whether the address has an account.

The request only checks the form and hands the address to the worker: looking the account
up, making the link and sending the e-mail happen there, so the page answers as fast for an
unknown address as for a known one. Requests are limited per address they come from (a
clear "too many requests") and per e-mail address (silently: the answer must not differ).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from .throttle import over_limit

HOUR = 3600


def from_address_over_limit(address: str) -> bool:
    return over_limit("reset-address", address, settings.RIPOSTE_PASSWORD_RESET_PER_ADDRESS, HOUR)


def for_email_over_limit(email: str) -> bool:
    return over_limit(
        "reset-email", email.strip().lower(), settings.RIPOSTE_PASSWORD_RESET_PER_EMAIL, HOUR
    )


def send_reset_link(email: str, language: str) -> None:
    """Send the reset link to the account of ``email``, if there is one (in the worker)."""
    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            from_email=settings.DEFAULT_FROM_EMAIL,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.html",
        )
