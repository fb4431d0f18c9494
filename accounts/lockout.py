"""Password guessing: django-axes counts failures per account and per address.

The settings (``AXES_*`` in ``riposte/settings.py``) name the functions below: how an account
is named (as the sign-in form matches it, whatever its capitals), where a request comes from
behind trusted proxies, and the page a locked-out person sees.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

from core import security


class LockoutBackend(AxesStandaloneBackend):
    """Refuses any sign-in, even with the right password, while the account or address is
    locked out.

    Only sign-ins made through a request are counted: one made without (a shell, a script,
    a test's ``client.login``) comes from no address and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_of(request, credentials) -> str:
    """The account a sign-in names, as sign-in matches it: without surrounding spaces or
    capitals, so that ``Claire@…`` and ``claire@…`` count as one account."""
    if credentials and credentials.get(settings.AXES_USERNAME_FORM_FIELD):
        value = credentials[settings.AXES_USERNAME_FORM_FIELD]
    else:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "") if request else ""
    # The lockout's records keep 255 characters: a longer name is no account's anyway.
    return str(value).strip().lower()[:255]


def client_address(request) -> str:
    return security.client_ip(request) or ""


def locked_out(request, response=None, credentials=None):
    """The sign-in page again, saying that sign-in is paused and for how long (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = username_of(request, credentials)
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": True, "lockout_minutes": minutes, "next": ""},
        status=429,
    )
