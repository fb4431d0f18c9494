"""The second factor after the password, setting up an app, recovery codes, the account's
security page, signing out everywhere, and the throttled password reset."""

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from . import password_reset, sessions, two_factor
from .forms import CodeForm, QueuedPasswordResetForm
from .lockout import client_address


def _next_page(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _verified(request, device) -> None:
    # A new session key once the second factor is given, as after the password.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[two_factor.SESSION_KEY] = True


@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_next_page(request))
    if not two_factor.is_enrolled(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "Code de secours utilisé : il vous en reste %(count)d.",
                        "Code de secours utilisé : il vous en reste %(count)d.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_page(request))
        form.add_error(
            "code",
            _("Code incorrect ou expiré. Entrez le code affiché maintenant par votre application."),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_page(request)},
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@login_required
def two_factor_setup(request):
    user = request.user
    if two_factor.is_enrolled(user) and not user.is_verified():
        # Adding an app is for someone who has already given the second factor.
        return redirect("two_factor_verify")
    device = two_factor.pending_app(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        enrolment = two_factor.confirm_app(user, device, form.cleaned_data["code"])
        if enrolment is not None:
            # Every other session was signed out; this one stays, with its second factor.
            update_session_auth_hash(request, user)
            _verified(request, enrolment.app)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": enrolment.recovery_codes, "next": _next_page(request), "new": True},
            )
        form.add_error(
            "code",
            _("Code incorrect. Vérifiez l'heure de votre téléphone et entrez le code affiché."),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
            "required": two_factor.required_by_role(user),
            "next": _next_page(request),
        },
        status=200 if request.method == "GET" else 400,
    )


@login_required
@require_safe
def security(request):
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": two_factor.is_enrolled(user),
            "required": two_factor.required_by_role(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@login_required
@require_POST
def recovery_codes(request):
    if not two_factor.is_enrolled(request.user):
        return redirect("security")
    codes = two_factor.new_recovery_codes(request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("security"), "new": False},
    )


@login_required
@require_POST
def two_factor_off(request):
    if two_factor.required_by_role(request.user):
        messages.error(request, _("La double authentification est obligatoire pour ce compte."))
        return redirect("security")
    two_factor.turn_off(request.user)
    request.session[two_factor.SESSION_KEY] = False
    messages.success(request, _("Double authentification désactivée."))
    return redirect("security")


@login_required
@require_POST
def sign_out_everywhere(request):
    sessions.sign_out_everywhere(request.user)
    logout(request)
    messages.success(request, _("Vous êtes déconnecté de tous vos appareils, y compris celui-ci."))
    return redirect("login")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per address and per e-mail, mailed by the worker."""

    form_class = QueuedPasswordResetForm

    def post(self, request, *args, **kwargs):
        if password_reset.from_address_over_limit(client_address(request)):
            return render(
                request,
                "registration/password_reset_form.html",
                {"form": self.get_form(), "throttled": True},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if password_reset.for_email_over_limit(form.cleaned_data["email"]):
            # The same answer as when a link is sent: the page must not tell which it was.
            return redirect(self.get_success_url())
        return super().form_valid(form)
