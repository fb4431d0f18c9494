from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsurerConfig(AppConfig):
    name = "insurer"
    verbose_name = _("Assureur")

    def ready(self):
        # The audit's percentiles on SQLite (development, tests): PostgreSQL has its own.
        from django.db.backends.signals import connection_created

        from .audit import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="riposte_percentile")
