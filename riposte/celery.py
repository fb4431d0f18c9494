"""The Celery application: deadline sweeps and dossier rendering run here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")

app = Celery("riposte")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
