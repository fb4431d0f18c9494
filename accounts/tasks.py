"""Work done away from the request: the password-reset e-mail."""

import smtplib

from celery import shared_task

from . import password_reset


@shared_task(
    name="accounts.send_password_reset",
    ignore_result=True,
    # Expected: the mail server is down or refuses for a while.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=10,
    max_retries=5,
    time_limit=60,
    soft_time_limit=45,
)
def send_password_reset(email: str, language: str) -> None:
    # An address, not a primary key: whether an account has it is found out here, away
    # from the request, whose answer must not depend on it. A retry after a partial
    # failure sends at most a second link, which is harmless.
    password_reset.send_reset_link(email, language)
