"""The security log: one function every package calls when something worth auditing happens.

Sign-ins and their failures are recorded from Django's auth signals (``core.apps``); pages
record downloads, exports and refused accesses themselves. Recording never fails the request
it describes: a log that cannot be written is reported to the application log instead.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SecurityEvent

logger = logging.getLogger(__name__)

Kind = SecurityEvent.Kind


def client_ip(request) -> str | None:
    """The address a request comes from: ``REMOTE_ADDR``, or behind ``RIPOSTE_TRUSTED_PROXIES``
    proxies the address the nearest untrusted hop was seen from.

    Addresses further left in ``X-Forwarded-For`` are written by the client and can be
    anything: a log or a lockout keyed on them would be fooled by changing the header.
    """
    proxies = settings.RIPOSTE_TRUSTED_PROXIES
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(kind: str, request=None, *, user=None, username: str = "", target="", **data):
    """Write one line of the security log: who (``user`` or the request's), what (``kind``
    and ``target``), when (now), from where (the request's address and browser)."""
    try:
        if user is None and request is not None:
            request_user = getattr(request, "user", None)
            if request_user is not None and request_user.is_authenticated:
                user = request_user
        # A savepoint of its own: a failed write leaves the caller's transaction usable.
        with transaction.atomic():
            return SecurityEvent.objects.create(
                kind=kind,
                user=user,
                username=(username or (user.get_username() if user is not None else ""))[:254],
                ip=client_ip(request) if request is not None else None,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request else "",
                path=request.get_full_path()[:500] if request is not None else "",
                target=str(target)[:200],
                data=data,
            )
    except Exception:
        logger.exception("Security event %s could not be recorded", kind)
        return None


def purge(now=None) -> int:
    """Remove the lines older than ``RIPOSTE_SECURITY_LOG_DAYS``; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RIPOSTE_SECURITY_LOG_DAYS)
    deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
