"""Serve Riposte with its Celery worker and beat in one command (the embedded default)."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs the web server, a Celery worker and Celery beat together, for development."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve only the web app.")

    def handle(self, *args, host, port, no_worker, **options):
        worker = None
        if not no_worker:
            # -B embeds beat in the worker: one process, and one beat only.
            worker = subprocess.Popen(  # noqa: S603
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
            )
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Riposte is served at {url}"))
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if worker and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
