"""Signing an account out of every browser where it is signed in."""

from django.db.models import F

from incident_app.models import User


def sign_out_everywhere(user) -> None:
    """Every session of the account stops being valid at its next request.

    Each session keeps a fingerprint of the account (``User.get_session_auth_hash``) that
    covers ``sessions_epoch``: raising it makes every fingerprint stale, in the database
    and in Redis alike, without looking for the sessions one by one.
    """
    User.objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    user.refresh_from_db(fields=["sessions_epoch"])
