"""Webhook deliveries in the worker."""

from celery import shared_task

from .services import webhooks


@shared_task(
    name="api.deliver_webhook",
    ignore_result=True,
    acks_late=True,
    time_limit=webhooks.LEASE_SECONDS - 10,
    soft_time_limit=webhooks.LEASE_SECONDS - 30,
)
def deliver_webhook(pk: int) -> bool:
    """One attempt; running it twice at once attempts once (the claim decides)."""
    outcome = webhooks.deliver(pk)
    return bool(outcome and outcome.delivered)


@shared_task(name="api.deliver_due_webhooks", ignore_result=True, time_limit=60)
def deliver_due_webhooks() -> int:
    return webhooks.deliver_due()
