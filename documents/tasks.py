"""Celery tasks of the documents: rendering a claim dossier or another paper in the worker."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import dossier as dossier_service
from .services import rendering

# Passing failures: the database or a connection went away for a moment. Anything else (a
# template or PDF error, a missing row) would fail again the same way: recorded, not retried.
DOSSIER_RETRYABLE = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="documents.render_claim_dossier",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=dossier_service.RENDER_TIME_LIMIT_SECONDS,
    soft_time_limit=dossier_service.RENDER_TIME_LIMIT_SECONDS - 30,
    max_retries=3,
    throws=DOSSIER_RETRYABLE,
)
def render_claim_dossier(self, pk: int) -> bool:
    """Render one claim dossier; a second run, or a run on a ready dossier, does nothing."""
    try:
        return dossier_service.render_dossier(pk) is not None
    except DOSSIER_RETRYABLE as error:
        if self.request.retries >= self.max_retries:
            dossier_service.mark_failed(pk, error)
            raise
        dossier_service.release(pk, error)
        raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
    except Exception as error:
        dossier_service.mark_failed(pk, error)
        return False


@shared_task(
    name="documents.render_document",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=rendering.RENDER_TIME_LIMIT_SECONDS,
    soft_time_limit=rendering.RENDER_TIME_LIMIT_SECONDS - 30,
    max_retries=3,
    throws=DOSSIER_RETRYABLE,
)
def render_document(self, pk: int) -> bool:
    """Render one printable paper (reflex sheet, notification, complaint letter)."""
    try:
        return rendering.render_document(pk) is not None
    except DOSSIER_RETRYABLE as error:
        if self.request.retries >= self.max_retries:
            rendering.mark_failed(pk, error)
            raise
        rendering.release(pk, error)
        raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
    except Exception as error:
        rendering.mark_failed(pk, error)
        return False
