"""Reaching people away from the office: their mobile number, their devices, SMS reports."""

import json
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from phonenumber_field.formfields import PhoneNumberField

from ..models import Notification, PushSubscription
from ..services import notify, sms

# A code typed back within this time proves the number is the person's.
CODE_VALIDITY = timedelta(minutes=15)
CODE_ATTEMPTS = 5
# SMS cost money: one code a minute at most.
CODE_INTERVAL = timedelta(minutes=1)
SESSION_KEY = "mobile_verification"


class MobileForm(forms.Form):
    mobile = PhoneNumberField(
        label=gettext_lazy("Numéro de mobile"),
        region="FR",
        help_text=gettext_lazy("Par exemple 06 12 34 56 78 ou +352 621 123 456."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code reçu par SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _digest(code: str) -> str:
    return salted_hmac("incident_app.mobile-code", code, algorithm="sha256").hexdigest()


@login_required
@require_POST
def mobile_start(request):
    """Send a code to the number typed; the number is kept, unverified, until it comes back."""
    form = MobileForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("mobile", []):
            messages.error(request, error)
        return redirect("notification_preferences")
    previous = request.session.get(SESSION_KEY) or {}
    if "sent_at" in previous and (
        timezone.now() - datetime.fromisoformat(previous["sent_at"]) < CODE_INTERVAL
    ):
        messages.error(request, _("Un code vient déjà de partir : attendez une minute."))
        return redirect("notification_preferences")
    user = request.user
    user.mobile = form.cleaned_data["mobile"]
    user.mobile_verified_at = None
    user.save(update_fields=["mobile", "mobile_verified_at"])
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[SESSION_KEY] = {
        "digest": _digest(code),
        "mobile": user.mobile.as_e164,
        "until": (timezone.now() + CODE_VALIDITY).isoformat(),
        "sent_at": timezone.now().isoformat(),
        "attempts": 0,
    }
    try:
        sms.backend().send(
            sms.SmsMessage(
                to=user.mobile.as_e164,
                text=_("Riposte : votre code de vérification est %(code)s.") % {"code": code},
                reference=f"riposte-verify-{user.pk}-{secrets.token_hex(4)}",
            )
        )
    except (sms.SmsError, OSError):
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Le SMS n’a pas pu partir. Vérifiez le numéro et réessayez."))
        return redirect("notification_preferences")
    messages.success(request, _("Un code vient d’être envoyé par SMS à ce numéro."))
    return redirect("notification_preferences")


@login_required
@require_POST
def mobile_verify(request):
    pending = request.session.get(SESSION_KEY)
    form = CodeForm(request.POST)
    user = request.user
    if (
        not pending
        or not user.mobile
        or pending["mobile"] != user.mobile.as_e164
        or datetime.fromisoformat(pending["until"]) < timezone.now()
        or pending["attempts"] >= CODE_ATTEMPTS
    ):
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Ce code n’est plus valable : demandez-en un nouveau."))
        return redirect("notification_preferences")
    if not form.is_valid() or not constant_time_compare(
        _digest(form.cleaned_data["code"]), pending["digest"]
    ):
        pending["attempts"] += 1
        request.session[SESSION_KEY] = pending
        messages.error(request, _("Ce code ne correspond pas. Vérifiez le SMS reçu."))
        return redirect("notification_preferences")
    request.session.pop(SESSION_KEY, None)
    user.mobile_verified_at = timezone.now()
    user.save(update_fields=["mobile_verified_at"])
    messages.success(
        request, _("Votre numéro est vérifié : les rappels choisis viendront par SMS.")
    )
    return redirect("notification_preferences")


@login_required
@require_POST
def mobile_remove(request):
    user = request.user
    user.mobile = ""
    user.mobile_verified_at = None
    user.save(update_fields=["mobile", "mobile_verified_at"])
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Votre numéro est retiré : plus aucun SMS ne vous sera envoyé."))
    return redirect("notification_preferences")


def _json(request) -> dict | None:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@login_required
@require_POST
def push_subscribe(request):
    """The app on this device agreed to notifications: remember where to push them."""
    data = _json(request)
    keys = (data or {}).get("keys") or {}
    endpoint = str((data or {}).get("endpoint") or "")
    form = forms.URLField(max_length=1000)
    try:
        endpoint = form.clean(endpoint)
    except forms.ValidationError:
        return HttpResponseBadRequest(_("Abonnement invalide."))
    if not _is_push_service(endpoint):
        return HttpResponseBadRequest(_("Abonnement invalide."))
    p256dh, auth = str(keys.get("p256dh") or ""), str(keys.get("auth") or "")
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100:
        return HttpResponseBadRequest(_("Abonnement invalide."))
    # An endpoint belongs to one browser: if someone else signed in on it before, it is now
    # the current person's device.
    PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": request.user,
            "p256dh": p256dh,
            "auth": auth,
            "label": request.headers.get("User-Agent", "")[:200],
        },
    )
    return HttpResponse(status=201)


def _is_push_service(endpoint: str) -> bool:
    """Only the browsers' push services: the worker posts to this address, and must never be
    made to call a machine of our own network."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == allowed or host.endswith("." + allowed)
        for allowed in settings.RIPOSTE_PUSH_SERVICE_HOSTS
    )


@login_required
@require_POST
def push_unsubscribe(request):
    data = _json(request) or {}
    PushSubscription.objects.filter(user=request.user, endpoint=str(data.get("endpoint"))).delete()
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def sms_status(request, token):
    """The SMS provider reports what became of a message. The address carries a signature of
    the notification it is about: no other notification can be touched through it."""
    try:
        pk = int(signing.Signer(salt=notify.SMS_STATUS_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return HttpResponse(status=404)
    data = _json(request)
    if data is None:
        return HttpResponseBadRequest("invalid JSON")
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=pk, channel=Notification.Channel.SMS)
            .first()
        )
        if notification is None:
            return HttpResponse(status=404)
        reported = sms.statuses_from_report(data)
        status = reported.get(notification.provider_reference) or reported.get(
            notify.sms_reference(notification)
        )
        if status:
            notification.provider_status = status
            notification.provider_status_at = timezone.now()
            notification.save(update_fields=["provider_status", "provider_status_at"])
    return HttpResponse(status=204)
