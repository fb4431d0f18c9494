"""Every page asks for the second factor of a signed-in account that needs one."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from . import two_factor

# What a signed-in person may reach before the second factor: that step itself, signing
# out, and the language switch.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {"two_factor_verify", "two_factor_setup", "logout", "set_language", "javascript-catalog"}
)


class TwoFactorMiddleware:
    """Sends an account that needs a second factor, and has not given it in this session,
    to the code page (or to setting up an app, when it has none yet), whatever it asked for.

    Whether the account needs one is read once per session and kept in it: a page costs
    no query for it. What could change that answer (an app set up, a role that requires
    it) signs the account out everywhere, so no session keeps a stale answer; staff
    rights are read from the account on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not self._needs(request, user) or user.is_verified():
            return None
        if two_factor.is_enrolled(user):
            target = reverse("two_factor_verify")
        elif two_factor.required_by_role(user):
            target = reverse("two_factor_setup")
        else:
            # The app was removed elsewhere and nothing requires one: nothing to ask.
            request.session[two_factor.SESSION_KEY] = False
            return None
        if request.method == "GET" and not getattr(request, "htmx", False):
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)

    @staticmethod
    def _needs(request, user) -> bool:
        if user.is_staff or user.is_superuser:
            return True
        needs = request.session.get(two_factor.SESSION_KEY)
        if needs is None:
            needs = two_factor.needs_two_factor(user)
            request.session[two_factor.SESSION_KEY] = needs
        return needs
