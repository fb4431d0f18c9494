from django.apps import AppConfig


class RiposteConfig(AppConfig):
    name = "riposte"
    verbose_name = "Riposte"
