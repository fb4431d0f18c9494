"""The site: settings, URLs, the Celery application, the demo data and the run command.

The top of the stack: it wires the packages below together and nothing imports it.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
