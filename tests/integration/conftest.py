"""Real services for the integration tests: PostgreSQL, Redis and a Celery worker with beat.

Skipped unless ``REDIS_URL`` and a PostgreSQL ``DATABASE_URL`` are set (as ``.ci/run`` does).
The worker runs as a subprocess against pytest-django's *test* database, so tests here use
``transactional_db``: what the test writes is committed and the worker sees it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.environment import missing_services

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    reason = missing_services()
    if reason is None:
        return
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"integration test {reason}"))


def _test_database_url(db) -> str:
    params = db.settings_dict
    auth = quote(params["USER"] or "")
    if params.get("PASSWORD"):
        auth += ":" + quote(params["PASSWORD"])
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{params['NAME']}"


class Worker:
    """A ``celery worker -B`` subprocess that can be killed hard and started again."""

    def __init__(self, env: dict, log: Path):
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "riposte",
                "worker",
                "-B",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-mingle",
                "--without-gossip",
                "--schedule",
                self.env["RIPOSTE_VAR_DIR"] + "/celerybeat-schedule",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            # Its own process group: SIGKILL reaches the pool's children too.
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("Celery worker did not start:\n" + self.log.read_text()[-3000:])


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    from django.db import connection

    from riposte.celery import app

    # A queue of its own: nothing else on this Redis consumes or feeds it.
    queue = f"riposte-integration-{os.getpid()}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    app.amqp.queues.select_add(queue)
    app.control.purge()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(connection),
        "DJANGO_SETTINGS_MODULE": "riposte.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "RIPOSTE_VAR_DIR": str(var_dir),
        "RIPOSTE_CELERY_QUEUE": queue,
        "RIPOSTE_SITE_URL": settings.SITE_URL,
        # Seconds instead of minutes, so the test fits in well under a minute.
        "RIPOSTE_SWEEP_INTERVAL_SECONDS": "1",
        "RIPOSTE_REDISPATCH_AFTER_SECONDS": "3",
        "RIPOSTE_DELIVERY_LEASE_SECONDS": "8",
    }
    worker = Worker(env, tmp_path / "worker.log")
    worker.mail_dir = mail_dir
    try:
        yield worker
    finally:
        worker.kill()
        app.control.purge()
        app.conf.task_default_queue = previous_queue
