"""The insurer's audit at portfolio scale: dashboard, CSV export and API against gunicorn.

    python benchmarks/audit.py [--quick] [--repeat 30] [--port 0]

Runs against the database the settings point at (``DATABASE_URL``); give it a PostgreSQL
database of its own (created and migrated if missing). Creates once, and reuses on later
runs, a portfolio of 100,000 incidents (5,000 with ``--quick``) over 20 brokers and 3
insurers, 2,000 companies in France and Luxembourg, each incident with its four audited
steps (hotline, complaint, data-protection notification, claim declaration) done on time,
late or still open, discovered over the last year.

What is measured, one request at a time on a kept-alive connection to gunicorn (gthread,
2 processes, 2 threads), by the client:

* ``login``: GET of the sign-in page, the baseline of the same run;
* ``audit_dashboard``: the dashboard of an auditor of the three insurers (the whole
  portfolio), unfiltered and filtered (a country, an attack kind, half a year);
* ``api_page``: a page of 100 incidents of the API with an insurer's token, following the
  cursor;
* ``csv``: the whole compliance table as CSV (one row per incident), its time and the peak
  resident memory (VmHWM) of the gunicorn worker that streamed it, which includes the
  interpreter and Django (about 60 MB before the first request).

The last lines are the figures with their targets.
"""

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")

# The full and the quick portfolios live side by side (their own organisations and auditor),
# so that a quick run does not rebuild the full one.
PREFIX = "AUD"
BROKERS, INSURERS, COMPANIES = 20, 3, 2000
TARGETS = {
    "audit_dashboard_p50_ms": "< 300 ms",
    "audit_dashboard_filtered_p50_ms": "< 300 ms",
    "csv_100k_s": "< 5 s",
    "csv_peak_mb": "< 100 MB",
    "api_page_p50_ms": "< 100 ms",
}


def setup_django():
    import django

    os.environ.setdefault("DJANGO_DEBUG", "false")
    _create_database_if_missing()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict.get('NAME')})", flush=True)
    if connection.vendor != "postgresql":
        print("warning: the figures are meant for PostgreSQL", flush=True)


def _create_database_if_missing():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def ensure_portfolio(total: int):
    """Organisations, policies and ``total`` incidents with their steps; reused if there."""
    from django.db import connection, transaction

    from coverage.models import Policy
    from incident_app.models import Incident, Membership, Organisation, User

    existing = Incident.objects.filter(reference__startswith=f"{PREFIX}-").count()
    if existing == total:
        print(f"portfolio: {existing} incidents present", flush=True)
    else:
        started = time.perf_counter()
        with transaction.atomic():
            if existing:
                _drop_portfolio()
            insurers = Organisation.objects.bulk_create(
                Organisation(name=f"{PREFIX} Assureur {i}", kind="insurer") for i in range(INSURERS)
            )
            brokers = Organisation.objects.bulk_create(
                Organisation(name=f"{PREFIX} Courtier {i}", kind="broker") for i in range(BROKERS)
            )
            companies = Organisation.objects.bulk_create(
                Organisation(
                    name=f"{PREFIX} Entreprise {i}",
                    kind="company",
                    country="LU" if i % 5 == 0 else "FR",
                    timezone="Europe/Luxembourg" if i % 5 == 0 else "Europe/Paris",
                )
                for i in range(COMPANIES)
            )
            Policy.objects.bulk_create(
                Policy(
                    company=company,
                    broker=brokers[i % BROKERS],
                    insurer=insurers[i % INSURERS],
                    number=f"{PREFIX}-{i:05d}",
                    starts_on=date(2025, 1, 1),
                    hotline="+33180401234",
                )
                for i, company in enumerate(companies)
            )
            with connection.cursor() as cursor:
                cursor.execute(INCIDENTS_SQL, {"prefix": PREFIX, "total": total})
                cursor.execute(STEPS_SQL, {"prefix": f"{PREFIX}-%"})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"portfolio: {total} incidents made in {time.perf_counter() - started:.1f} s")
    email = f"auditeur-{PREFIX.lower()}@audit.bench.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email)
    insurers = Organisation.objects.filter(name__startswith=f"{PREFIX} Assureur")
    for insurer in insurers:
        Membership.objects.get_or_create(user=user, organisation=insurer, role="auditor")
    return user, insurers.order_by("pk").first()


def _drop_portfolio():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM incident_app_step WHERE incident_id IN (SELECT id FROM "
            "incident_app_incident WHERE reference LIKE %s)",
            [f"{PREFIX}-%"],
        )
        cursor.execute("DELETE FROM incident_app_incident WHERE reference LIKE %s", [f"{PREFIX}-%"])
        cursor.execute("DELETE FROM coverage_policy WHERE number LIKE %s", [f"{PREFIX}-%"])
        cursor.execute(
            "DELETE FROM incident_app_membership WHERE organisation_id IN (SELECT id FROM "
            "incident_app_organisation WHERE name LIKE %s)",
            [f"{PREFIX} %"],
        )
        cursor.execute(
            "DELETE FROM api_apitoken WHERE organisation_id IN (SELECT id FROM "
            "incident_app_organisation WHERE name LIKE %s)",
            [f"{PREFIX} %"],
        )
        cursor.execute("DELETE FROM incident_app_organisation WHERE name LIKE %s", [f"{PREFIX} %"])


# Incidents spread over the policies, discovered over the last year, of one or two kinds.
INCIDENTS_SQL = """
WITH policies AS (
    SELECT p.id, p.company_id, row_number() OVER (ORDER BY p.id) - 1 AS n
    FROM coverage_policy p WHERE p.number LIKE %(prefix)s || '-%%'
), numbers AS (SELECT g AS i FROM generate_series(0, %(total)s - 1) g)
INSERT INTO incident_app_incident (
    reference, company_id, policy_id, kinds, description, discovered_at, personal_data,
    high_risk, nis2_entity, status, playbook_version, playbook_snapshot, created_at,
    updated_at, journal_head_seq, journal_head_hash)
SELECT %(prefix)s || '-' || lpad(i::text, 6, '0'), p.company_id, p.id,
    (ARRAY['["ransomware"]', '["phishing"]', '["transfer_fraud"]', '["data_leak"]',
           '["ddos"]', '["ransomware", "data_leak"]'])[1 + i %% 6]::jsonb,
    '', now() - (i %% 365) * interval '1 day' - (i %% 24) * interval '1 hour',
    (ARRAY['yes', 'no', 'unknown'])[1 + i %% 3], false, false, 'declared', 'bench', '{}',
    now() - (i %% 365) * interval '1 day', now() - (i %% 365) * interval '1 day', 0, ''
FROM numbers JOIN policies p ON p.n = numbers.i %% (SELECT count(*) FROM policies)
"""

# Four audited steps each: done on time (60 %%), late (25 %%), or not yet (15 %%).
STEPS_SQL = """
INSERT INTO incident_app_step (
    incident_id, key, "order", definition, status, due_at, done_at, proof_reference,
    proof_details, not_applicable_reason, applicable)
SELECT i.id, s.key, s.ord, s.definition::jsonb,
    CASE WHEN s.hours IS NULL OR (i.id * s.ord) %% 20 < 17 THEN 'done' ELSE 'todo' END,
    i.discovered_at + s.hours * interval '1 hour',
    CASE WHEN s.hours IS NULL OR (i.id * s.ord) %% 20 < 12
             THEN i.discovered_at + ((i.id * 7 + s.ord) %% greatest(coalesce(s.hours, 1), 1)) * interval '1 hour'
         WHEN (i.id * s.ord) %% 20 < 17
             THEN i.discovered_at + (coalesce(s.hours, 1) + 1 + i.id %% 48) * interval '1 hour'
    END,
    '', '', '', true
FROM incident_app_incident i
CROSS JOIN (VALUES
    ('hotline', 1, NULL::int, '{"title": {"fr": "Appeler l''assistance", "en": "Call the assistance line"}}'),
    ('complaint', 5, 72, '{"title": {"fr": "Porter plainte", "en": "File a police complaint"}}'),
    ('dpa_notification', 6, 72, '{"title": {"fr": "Notifier la CNIL", "en": "Notify the CNIL"}}'),
    ('claim_declaration', 8, 168, '{"title": {"fr": "Déclarer le sinistre", "en": "Declare the claim"}}')
) AS s(key, ord, hours, definition)
WHERE i.reference LIKE %(prefix)s
"""


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def api_token(insurer, user) -> str:
    from api.models import ApiToken

    _token, raw = ApiToken.issue(organisation=insurer, name="benchmark", created_by=user)
    return raw


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


class Client:
    def __init__(self, port, headers):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = headers

    def get(self, path) -> tuple[float, int, bytes]:
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return elapsed, response.status, body

    def timed(self, path, repeat) -> list[float]:
        self.get(path)  # warm the worker's caches and connection
        return [self.get(path)[0] for _ in range(repeat)]


def worker_peak_mb(master: int) -> float:
    """The largest peak resident memory among the master's workers (VmHWM)."""
    peaks = []
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks)


def p50(values) -> float:
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 incidents, fewer requests")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    global PREFIX
    total = 5_000 if args.quick else 100_000
    PREFIX = "AUQ" if args.quick else "AUD"
    repeat = args.repeat or (10 if args.quick else 30)

    setup_django()
    user, insurer = ensure_portfolio(total)
    cookie = session_cookie(user)
    token = api_token(insurer, user)
    from django.db import connections

    connections.close_all()

    port = args.port or free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        "RIPOSTE_API_RATE": "100000/min",
    }
    logdir = Path(tempfile.mkdtemp(prefix="riposte-audit-bench-"))
    server = subprocess.Popen(
        [
            gunicorn,
            "riposte.wsgi",
            "--worker-class",
            "gthread",
            "-w",
            "2",
            "--threads",
            "2",
            "--keep-alive",
            "30",
            "--timeout",
            "300",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--error-logfile",
            str(logdir / "error.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port, server)
        time.sleep(1)
        anonymous = Client(port, {})
        signed_in = Client(port, {"Cookie": cookie})
        bearer = Client(port, {"Authorization": f"Bearer {token}"})

        login = anonymous.timed("/compte/login/", repeat)
        dashboard = signed_in.timed("/assureur/", repeat)
        half_year = date.today().replace(day=1)
        start = date(half_year.year - (half_year.month <= 6), (half_year.month - 7) % 12 + 1, 1)
        filtered_query = f"/assureur/?country=FR&kind=ransomware&start={start.isoformat()}"
        filtered = signed_in.timed(filtered_query, repeat)

        api_times = []
        path = "/api/v1/incidents?limit=100"
        bearer.get(path)
        for _ in range(repeat):
            elapsed, _status, body = bearer.get(path)
            api_times.append(elapsed)
            cursor = re.search(rb'"next_cursor":\s*"([^"]+)"', body)
            path = (
                "/api/v1/incidents?limit=100&cursor=" + urllib.parse.quote(cursor.group(1).decode())
                if cursor
                else "/api/v1/incidents?limit=100"
            )

        started = time.perf_counter()
        _elapsed, _status, body = signed_in.get("/assureur/export.csv?bom=1")
        csv_seconds = time.perf_counter() - started
        rows = body.count(b"\n") - 1
        peak = worker_peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratio = p50(dashboard) / p50(login)
    print(f"requests per figure: {repeat}; CSV rows: {rows}", flush=True)
    print(f"login_p50_ms: {p50(login):.1f} ms (baseline)")
    print(
        f"audit_dashboard_p50_ms: {p50(dashboard):.1f} ms (target: {TARGETS['audit_dashboard_p50_ms']})"
    )
    print(
        f"audit_dashboard_filtered_p50_ms: {p50(filtered):.1f} ms (target: {TARGETS['audit_dashboard_filtered_p50_ms']})"
    )
    print(f"audit_vs_login_ratio: {ratio:.1f} x (target: none, for comparison between runs)")
    print(f"csv_100k_s: {csv_seconds:.2f} s for {rows} rows (target: {TARGETS['csv_100k_s']})")
    print(f"csv_peak_mb: {peak:.0f} MB (target: {TARGETS['csv_peak_mb']})")
    print(f"api_page_p50_ms: {p50(api_times):.1f} ms (target: {TARGETS['api_page_p50_ms']})")


if __name__ == "__main__":
    main()
