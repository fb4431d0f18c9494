"""Serve Riposte with its Celery worker and beat in one command (the embedded default).

Ctrl-C or SIGTERM stops all of it: the web server, the worker and its pool, and beat.
"""

import contextlib
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# A worker finishing its current task gets this long before it is killed.
WORKER_GRACE_SECONDS = 15


class Command(BaseCommand):
    help = "Runs the web server, a Celery worker and Celery beat together, for development."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve only the web app.")

    def handle(self, *args, host, port, no_worker, **options):
        # SIGTERM (from `kill`, a process manager, a closing terminal) ends the web server
        # as Ctrl-C does, so that the worker below is stopped too, not left behind.
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGHUP, _interrupt)
        worker = None if no_worker else start_worker()
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Riposte is served at {url} (Ctrl-C stops it)"))
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                stop_worker(worker)
                self.stdout.write("Worker and beat stopped.")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def start_worker() -> subprocess.Popen:
    # -B embeds beat in the worker: one process, and one beat only. Its own session (process
    # group): a Ctrl-C in the terminal reaches this command alone, which stops the worker in
    # order, and the group lets the pool and beat be ended together if it does not stop.
    return subprocess.Popen(  # noqa: S603
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
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ],
        env=os.environ.copy(),
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    """A warm shutdown (current tasks finish), then the whole group is killed if need be."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=WORKER_GRACE_SECONDS)
    # The pool's processes and beat, should any outlive the worker's main process.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(worker.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=5)
