"""Periodic housekeeping of what every package shares."""

from celery import shared_task

from . import security


@shared_task(name="core.purge_security_log", ignore_result=True, time_limit=300)
def purge_security_log() -> int:
    # Idempotent: lines past the retention are gone after the first run.
    return security.purge()
