"""Where sessions live: never in one process's memory in production."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.incident_app.test_settings import GOOD_KEY, run_manage

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "riposte.example",
}


def shell(code, **env):
    return run_manage("shell", "--no-imports", "-c", code, **{**PRODUCTION, **env})


def test_it_keeps_sessions_in_the_database_in_production_without_redis():
    result = shell("from django.conf import settings; print(settings.SESSION_ENGINE)", REDIS_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.sessions.backends.db"


def test_it_reads_sessions_through_redis_in_production_with_redis():
    result = shell(
        "from django.conf import settings; print(settings.SESSION_ENGINE, "
        "settings.CACHES['default']['BACKEND'])",
        REDIS_URL="redis://127.0.0.1:6379/8",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
    ]


@pytest.mark.parametrize("engine", ["cache", "cached_db"])
def test_it_refuses_sessions_in_one_process_memory_in_production(engine):
    result = run_manage(
        "check",
        **PRODUCTION,
        REDIS_URL="",
        DJANGO_SESSION_ENGINE=f"django.contrib.sessions.backends.{engine}",
    )
    assert result.returncode != 0
    assert "Sessions must not live in one process's memory" in result.stderr


@pytest.mark.django_db
def test_it_forgets_a_signed_out_session_in_the_database_too(manager):
    from importlib import import_module

    client = Client()
    client.force_login(manager)
    key = client.session.session_key
    client.post(reverse("logout"))
    # Another process, with nothing in its memory, reads the database: nothing there.
    store = import_module("django.contrib.sessions.backends.db").SessionStore
    assert not store().exists(key)
    assert settings.SESSION_ENGINE.endswith(("cached_db", ".db"))
