"""Riposte settings, read from the environment.

Development needs no variable at all: SQLite, a file-based Celery broker and e-mails printed
to the console. Production (``DJANGO_ENV=production``) refuses to start without a real secret
key and allowed hosts, and passes ``manage.py check --deploy``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production", "test"):
    raise ImproperlyConfigured("DJANGO_ENV must be development, production or test.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
_DEV_SECRET = "riposte-development-only-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if PRODUCTION:
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of 50+ characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host names.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

SITE_URL = env_str("RIPOSTE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "phonenumber_field",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "riposte",
    "broker",
    "insurer",
    "api",
    "accounts",
    "documents",
    "coverage",
    "preparedness",
    "incident_app",
    "core",
    "playbooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF, uploads).
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "core.middleware.RefusedAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After HtmxMiddleware: an HTMX request is sent to the second factor by HX-Redirect.
    "accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files served by the application server itself, compressed and cache-busted.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "riposte.urls"
WSGI_APPLICATION = "riposte.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "riposte.context_processors.riposte",
            ],
        },
    },
]

# Local state of the embedded default (SQLite database, broker queue, evidence files).
VAR_DIR = Path(env_str("RIPOSTE_VAR_DIR", str(BASE_DIR / "var")))

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'riposte.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web server, the worker and beat share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "riposte",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database. With Redis they are also read from it (written through to
# the database, which keeps them across a restart of Redis). Without Redis the cache is the
# process's own memory: after a sign-out, another process would still find the session
# there, so in production sessions are then read from the database alone. The development
# server and the tests run in one process, where that cache is exact.
SESSION_ENGINE = env_str(
    "DJANGO_SESSION_ENGINE",
    "django.contrib.sessions.backends.db"
    if PRODUCTION and not REDIS_URL
    else "django.contrib.sessions.backends.cached_db",
)
SESSION_CACHE_ALIAS = "default"


def per_process_sessions(engine: str, caches: dict) -> bool:
    """Whether sessions would be kept in one process's memory (lost to the others)."""
    if engine.endswith(("backends.signed_cookies", "backends.db", "backends.file")):
        return False
    backend = caches.get(SESSION_CACHE_ALIAS, {}).get("BACKEND", "")
    return backend.endswith(("LocMemCache", "DummyCache"))


if PRODUCTION and per_process_sessions(SESSION_ENGINE, CACHES):
    raise ImproperlyConfigured(
        "Sessions must not live in one process's memory in production: leave "
        "DJANGO_SESSION_ENGINE unset (sessions in the database) or set REDIS_URL."
    )

AUTH_USER_MODEL = "incident_app.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password guessing (django-axes): after this many failures for one account, or from one
# address, sign-in is refused for the cool-off period, whatever the password; each new try
# during it starts the period again. Staff lift a lockout in the administration.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("RIPOSTE_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RIPOSTE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (the account's e-mail)
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_ENABLE_ADMIN = False  # our own admin, translated, with an "unlock" action
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not the lockout's business
AXES_VERBOSE = False
# Proxies in front of the application (a load balancer): the client's address is the one
# the nearest of them saw, counted from the right of X-Forwarded-For. 0: REMOTE_ADDR.
RIPOSTE_TRUSTED_PROXIES = env_int("RIPOSTE_TRUSTED_PROXIES", 0)
# Password-reset requests: per address and per e-mail address, in an hour.
RIPOSTE_PASSWORD_RESET_PER_ADDRESS = env_int("RIPOSTE_PASSWORD_RESET_PER_ADDRESS", 10)
RIPOSTE_PASSWORD_RESET_PER_EMAIL = env_int("RIPOSTE_PASSWORD_RESET_PER_EMAIL", 3)

# Two-factor authentication (django-otp): TOTP apps, and recovery codes.
OTP_TOTP_ISSUER = "Riposte"
RIPOSTE_RECOVERY_CODES = 10

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Evidence is private: stored outside static, never served by URL, only through a view that
# checks who may see it.
PRIVATE_STORAGE_ROOT = Path(env_str("RIPOSTE_PRIVATE_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
EVIDENCE_MAX_FILE_BYTES = env_int("RIPOSTE_EVIDENCE_MAX_FILE_BYTES", 25 * 1024 * 1024)
EVIDENCE_QUOTA_BYTES = env_int("RIPOSTE_EVIDENCE_QUOTA_BYTES", 500 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: printed to the console in development; SMTP (or any backend) from the environment.
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_email_options: dict = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 30,
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    _email_options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Riposte <riposte@localhost>")

PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DB_FORMAT = "E164"

# Celery: Redis when REDIS_URL is set, otherwise a file-based queue that needs no server.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _queue_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        # The queue is a folder the worker lists; 1 s (the default) between looks is slow
        # when a sweep hands over many deliveries at once.
        "polling_interval": 0.1,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A separate queue keeps benchmarks and integration tests off a shared broker's main queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("RIPOSTE_CELERY_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The deadline sweep (incident_app.services.sweep): the database is the source of truth,
# beat only says "look now"; a sweep message older than its interval is dropped unread.
# The incident page's fragments, cached until the incident's journal moves
# (incident_app/fragments.py); off, every request renders them.
RIPOSTE_INCIDENT_FRAGMENT_CACHE = env_bool("RIPOSTE_INCIDENT_FRAGMENT_CACHE", True)
# Short, so a reminder is written within seconds of its time: an idle sweep is a look at the
# partial index of due reminders and a few small queries (benchmarks/sweep.py: sweep_idle_ms).
RIPOSTE_SWEEP_INTERVAL_SECONDS = env_int("RIPOSTE_SWEEP_INTERVAL_SECONDS", 2)
CELERY_BEAT_SCHEDULE: dict = {
    "deadline-sweep": {
        "task": "incident_app.sweep",
        "schedule": float(RIPOSTE_SWEEP_INTERVAL_SECONDS),
        "options": {"expires": RIPOSTE_SWEEP_INTERVAL_SECONDS},
    },
    # Webhook deliveries whose retry is due (the outbox is the truth; beat only says "look").
    "webhook-deliveries": {
        "task": "api.deliver_due_webhooks",
        "schedule": float(RIPOSTE_SWEEP_INTERVAL_SECONDS),
        "options": {"expires": RIPOSTE_SWEEP_INTERVAL_SECONDS},
    },
    # Idempotent: a break already reported is not reported again.
    "verify-journals": {
        "task": "incident_app.verify_journals",
        "schedule": float(env_int("RIPOSTE_JOURNAL_CHECK_SECONDS", 3600)),
        "options": {"expires": 3000},
    },
    "purge-security-log": {
        "task": "core.purge_security_log",
        "schedule": 86400.0,
        "options": {"expires": 3600},
    },
}

# Platform staff see a company's incident only under an access grant, for this long.
RIPOSTE_STAFF_ACCESS_MINUTES = env_int("RIPOSTE_STAFF_ACCESS_MINUTES", 60)
# Crisis-cell invitations can be accepted for this long.
RIPOSTE_INVITATION_DAYS = env_int("RIPOSTE_INVITATION_DAYS", 7)
# The security log (core.security) keeps its lines this long.
RIPOSTE_SECURITY_LOG_DAYS = env_int("RIPOSTE_SECURITY_LOG_DAYS", 365)
# Evidence of all a company's incidents together may not take more than this.
EVIDENCE_COMPANY_QUOTA_BYTES = env_int("RIPOSTE_EVIDENCE_COMPANY_QUOTA_BYTES", 2 * 1024**3)
# A request body larger than this is refused before it is read (uploads of several files).
RIPOSTE_MAX_REQUEST_BYTES = env_int("RIPOSTE_MAX_REQUEST_BYTES", 110 * 1024 * 1024)
# The antivirus: a clamd socket ("unix:///run/clamav/clamd.ctl" or "tcp://clamav:3310").
# Without it, evidence is kept and shown as not scanned.
RIPOSTE_CLAMD_URL = env_str("RIPOSTE_CLAMD_URL", "")
RIPOSTE_CLAMD_TIMEOUT_SECONDS = env_int("RIPOSTE_CLAMD_TIMEOUT_SECONDS", 30)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes tells of every successful sign-in at INFO; failures and lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Reminders before each deadline, in minutes (T-24 h, T-6 h, T-1 h, and the deadline itself).
RIPOSTE_REMINDER_OFFSETS_MINUTES = [
    int(v) for v in env_list("RIPOSTE_REMINDER_OFFSETS_MINUTES", "1440,360,60,0")
]
# Delivery of notifications: undelivered ones are handed to the worker again after this long
# (a message lost with a killed worker or broker); a send started but never recorded is
# released after the lease, longer than the delivery task's time limit.
RIPOSTE_REDISPATCH_AFTER_SECONDS = env_int("RIPOSTE_REDISPATCH_AFTER_SECONDS", 300)
RIPOSTE_DELIVERY_LEASE_SECONDS = env_int("RIPOSTE_DELIVERY_LEASE_SECONDS", 600)
RIPOSTE_DELIVERY_MAX_ATTEMPTS = env_int("RIPOSTE_DELIVERY_MAX_ATTEMPTS", 10)

FORMAT_MODULE_PATH = ["riposte.formats"]

# The read-only API: requests per token (or signed-in user) and per minute.
RIPOSTE_API_RATE = env_str("RIPOSTE_API_RATE", "600/min")
# Webhooks: seconds before a delivery gives up on the receiver, attempts before it is failed.
RIPOSTE_WEBHOOK_TIMEOUT_SECONDS = env_int("RIPOSTE_WEBHOOK_TIMEOUT_SECONDS", 10)
RIPOSTE_WEBHOOK_MAX_ATTEMPTS = env_int("RIPOSTE_WEBHOOK_MAX_ATTEMPTS", 8)
# Only for tests and local development: lets webhooks reach plain http on loopback and
# private addresses. Production refuses to start with it.
RIPOSTE_WEBHOOK_ALLOW_INTERNAL = env_bool("RIPOSTE_WEBHOOK_ALLOW_INTERNAL", False)
if PRODUCTION and RIPOSTE_WEBHOOK_ALLOW_INTERNAL:
    raise ImproperlyConfigured("RIPOSTE_WEBHOOK_ALLOW_INTERNAL must be off in production.")
# Reminders by SMS: "console" (development), "file" (RIPOSTE_SMS_FILE_PATH, one JSON line per
# message), "memory" (tests), "infobip" (INFOBIP_BASE_URL, INFOBIP_API_KEY), or a class path.
_SMS_BACKENDS = {
    name: f"incident_app.services.sms.{cls}"
    for name, cls in {
        "console": "ConsoleBackend",
        "file": "FileBackend",
        "memory": "MemoryBackend",
        "infobip": "InfobipBackend",
    }.items()
}
RIPOSTE_SMS_BACKEND = env_str("RIPOSTE_SMS_BACKEND", "console")
RIPOSTE_SMS_BACKEND = _SMS_BACKENDS.get(RIPOSTE_SMS_BACKEND, RIPOSTE_SMS_BACKEND)
RIPOSTE_SMS_FILE_PATH = env_str("RIPOSTE_SMS_FILE_PATH", str(VAR_DIR / "sms" / "messages.jsonl"))
RIPOSTE_SMS_SENDER = env_str("RIPOSTE_SMS_SENDER", "Riposte")
INFOBIP_BASE_URL = env_str("INFOBIP_BASE_URL", "https://api.infobip.com")
INFOBIP_API_KEY = env_str("INFOBIP_API_KEY", "")
if RIPOSTE_SMS_BACKEND.endswith("InfobipBackend") and not INFOBIP_API_KEY:
    raise ImproperlyConfigured("RIPOSTE_SMS_BACKEND=infobip needs INFOBIP_API_KEY.")

# Web Push to the installed app (VAPID). Without keys the app still installs and works
# offline; it only does not offer notifications. Generate a pair with `vapid --gen`.
RIPOSTE_VAPID_PUBLIC_KEY = env_str("RIPOSTE_VAPID_PUBLIC_KEY", "")
RIPOSTE_VAPID_PRIVATE_KEY = env_str("RIPOSTE_VAPID_PRIVATE_KEY", "")
RIPOSTE_VAPID_SUBJECT = env_str("RIPOSTE_VAPID_SUBJECT", "mailto:riposte@localhost")
# The push services of the browsers a device may subscribe with (the worker posts there).
RIPOSTE_PUSH_SERVICE_HOSTS = env_list(
    "RIPOSTE_PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,push.apple.com,push.services.mozilla.com,notify.windows.com",
)
