"""The antivirus hook: uploaded files go through ClamAV's clamd when one is configured.

``RIPOSTE_CLAMD_URL`` names the daemon (``unix:///run/clamav/clamd.ctl`` or
``tcp://clamav:3310``). Without it, or while it cannot be reached, files are kept and marked
"not scanned" for all to see: in the first hours of an attack, losing a proof because the
antivirus is down would be worse than keeping it unscanned. A file clamd finds infected is
refused.
"""

import logging
from urllib.parse import urlparse

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings

logger = logging.getLogger(__name__)

CLEAN = "clean"
NOT_SCANNED = "not_scanned"


class Infected(Exception):
    def __init__(self, signature: str):
        super().__init__(signature)
        self.signature = signature


def _client(url: str):
    parsed = urlparse(url)
    timeout = settings.RIPOSTE_CLAMD_TIMEOUT_SECONDS
    if parsed.scheme == "unix":
        return ClamdUnixSocket(path=parsed.path, timeout=timeout)
    if parsed.scheme == "tcp":
        return ClamdNetworkSocket(host=parsed.hostname, port=parsed.port or 3310, timeout=timeout)
    raise ValueError(f"RIPOSTE_CLAMD_URL must start with unix:// or tcp://, not {url!r}")


def scan(upload) -> str:
    """``CLEAN`` or ``NOT_SCANNED``; raises ``Infected`` with clamd's signature name."""
    url = settings.RIPOSTE_CLAMD_URL
    if not url:
        return NOT_SCANNED
    upload.seek(0)
    try:
        results = _client(url).instream(upload)
    except (ClamdError, OSError, ValueError):
        logger.exception("The antivirus could not scan %s: kept as not scanned", upload.name)
        return NOT_SCANNED
    finally:
        upload.seek(0)
    status, signature = next(iter(results.values()), ("ERROR", ""))
    if status == "FOUND":
        raise Infected(signature or "?")
    if status == "OK":
        return CLEAN
    logger.error("The antivirus answered %s for %s: kept as not scanned", status, upload.name)
    return NOT_SCANNED
