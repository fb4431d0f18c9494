"""Two-factor authentication: who must use it, enrolling an app, recovery codes.

Brokers, insurers' auditors and platform staff see many companies' incidents: a second
factor is required of them. A company's people may turn it on; once on, it is asked of
them too. The devices are django-otp's: a TOTP app (RFC 6238) and a list of single-use
recovery codes.
"""

from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from incident_app.models import Membership

from .sessions import sign_out_everywhere

# The session remembers whether this sign-in must pass a second factor, so that pages
# need not ask the database each time (see ``middleware.TwoFactorMiddleware``).
SESSION_KEY = "riposte_two_factor"
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"
ROLES_REQUIRING = frozenset({Membership.Role.BROKER, Membership.Role.AUDITOR})


def required_by_role(user) -> bool:
    """Staff, brokers and auditors must use a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=ROLES_REQUIRING).exists()


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def needs_two_factor(user) -> bool:
    """Whether this account must pass a second factor after its password."""
    return required_by_role(user) or is_enrolled(user)


def pending_app(user) -> TOTPDevice:
    """The app being set up: an unconfirmed TOTP device, kept until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as an inline SVG QR code, drawn here (no script,
    no request elsewhere: the page's content security policy allows neither)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, dark="#111", light="#fff", title="QR code"
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an app without a camera."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@dataclass(frozen=True)
class Enrolment:
    app: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def confirm_app(user, device: TOTPDevice, token: str) -> Enrolment | None:
    """Confirm the app being set up with a code it shows; None if the code is wrong.

    The app replaces any earlier one, new recovery codes replace the old, and every other
    session of the account is signed out: they were opened without the second factor.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    sign_out_everywhere(user)
    return Enrolment(app=device, recovery_codes=codes)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """A fresh list of single-use recovery codes; the previous list stops working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RIPOSTE_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
    ).count()


@transaction.atomic
def turn_off(user) -> None:
    """Remove every device of an account that may do without a second factor."""
    if required_by_role(user):
        raise PermissionError("A second factor is required of this account.")
    for device in devices_for_user(user, confirmed=None):
        device.delete()
