"""Celery tasks: the deadline sweep and the delivery of notifications.

Tasks take primary keys and are idempotent; the database decides what is due and what was
sent, the broker only carries "look now" and "send this".
"""

import logging
import smtplib

from celery import shared_task

from .services import journal_watch, notify
from .services import sweep as sweep_service

logger = logging.getLogger(__name__)

SWEEP_BATCH = 5000


@shared_task(name="incident_app.sweep", ignore_result=True, time_limit=120, soft_time_limit=100)
def sweep() -> dict:
    # Each reminder is its own transaction, so a large batch only makes this run longer; it
    # lets a burst of deadlines (1,000 at once take a few seconds) go out in one pass.
    result = sweep_service.run_sweep(batch=SWEEP_BATCH)
    return {
        "claimed": result.claimed,
        "redispatched": result.redispatched,
        "dossiers_resumed": result.dossiers_resumed,
    }


@shared_task(
    name="incident_app.deliver_notification",
    ignore_result=True,
    # Acknowledged after it ran: a killed worker's message goes back to the queue, and the
    # claim in notify.deliver makes the second run a no-op if the first had sent.
    acks_late=True,
    reject_on_worker_lost=True,
    # Expected: the mail server, the SMS provider or a push service is down for a while.
    # (requests, used for SMS and push, raises OSError subclasses.)
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    time_limit=60,
    soft_time_limit=45,
)
def deliver_notification(pk: int) -> bool:
    return notify.deliver(pk)


@shared_task(
    name="incident_app.verify_journals", ignore_result=True, time_limit=900, soft_time_limit=840
)
def verify_journals() -> int:
    # Idempotent: a break already reported is a JournalAlert already there, not mailed again.
    return len(journal_watch.check_journals())
