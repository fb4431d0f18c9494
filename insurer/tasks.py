"""The worker's share of the audit: the compliance report and the journals' verification."""

from celery import shared_task

from .services import tasks as task_service


@shared_task(
    name="insurer.run_audit_task",
    ignore_result=True,
    acks_late=True,
    time_limit=task_service.TIME_LIMIT_SECONDS,
    soft_time_limit=task_service.TIME_LIMIT_SECONDS - 30,
)
def run_audit_task(pk: int) -> bool:
    """Run one report or verification; a second run of a finished or running one does nothing."""
    return task_service.run(pk)
