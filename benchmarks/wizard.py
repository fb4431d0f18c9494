"""Incident page and step completion under load: 50 signed-in clients against gunicorn.

    python benchmarks/wizard.py [--quick] [--clients 50] [--port 8765]

Runs against the database the settings point at (``DATABASE_URL``; SQLite otherwise) and
says which. Creates a dedicated set of benchmark companies with 10,000 incidents (1,000 with
``--quick``) once, and reuses or tops them up on later runs. Starts gunicorn on 127.0.0.1
(``-w 2 --threads 8``), signs every client in through the login form, then each client,
pausing about ``--think`` seconds between requests as a person would, measures:

* ``incident_page``: GET of an incident page of the client's company;
* ``step_complete``: the HTMX POST that records a step as done (CSRF and all).

Latencies are measured on the server (gunicorn's access log, ``%(D)s``: from the moment a
worker takes the request to the last byte) and, for comparison, by the clients. The last
lines are the server-side figures with their targets.
"""

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incident_app.settings")

PASSWORD = "bench-password-not-secret"
PREFIX = "WIZ"
EMAIL_DOMAIN = "wizard.bench.example"
TARGETS = {
    "incident_page_p50_ms": 50,
    "incident_page_p99_ms": 300,
    "step_complete_p50_ms": 50,
    "step_complete_p99_ms": 300,
}
# Steps without anchored followers: completing them never replans the incident, as for
# most completions in real life.
COMPLETABLE = ("hotline", "isolate", "preserve_evidence", "crisis_cell", "communication")


def setup_django():
    import django

    django.setup()
    from django.db import connection

    settings_db = connection.settings_dict
    print(f"database: {connection.vendor} ({settings_db.get('NAME')})", flush=True)
    if connection.vendor == "sqlite":
        print("warning: SQLite serialises writers; figures are not those of PostgreSQL")


def ensure_data(total: int, clients: int):
    """Benchmark companies, one manager each, and ``total`` incidents spread over them."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from coverage.models import Policy
    from incident_app.models import Incident, JournalEntry, Membership, Organisation, Step, User
    from incident_app.models.journal import GENESIS_HASH
    from playbooks.engine import IncidentFacts, load_playbook, plan

    started = time.perf_counter()
    insurer, _ = Organisation.objects.get_or_create(
        name=f"{PREFIX} Assureur", kind="insurer", defaults={"country": "FR"}
    )
    broker, _ = Organisation.objects.get_or_create(
        name=f"{PREFIX} Courtage", kind="broker", defaults={"country": "FR"}
    )
    password = make_password(PASSWORD)
    companies = []
    for index in range(clients):
        company, _ = Organisation.objects.get_or_create(
            name=f"{PREFIX} Entreprise {index:03d}",
            kind="company",
            defaults={"country": "FR", "timezone": "Europe/Paris"},
        )
        policy, _ = Policy.objects.get_or_create(
            company=company,
            insurer=insurer,
            number=f"{PREFIX}-{index:03d}",
            defaults={
                "broker": broker,
                "starts_on": date(2025, 1, 1),
                "hotline": "+33 1 80 40 12 34",
            },
        )
        user, created = User.objects.get_or_create(
            email=f"manager{index:03d}@{EMAIL_DOMAIN}", defaults={"password": password}
        )
        if not created and not user.check_password(PASSWORD):
            user.password = password
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, organisation=company, role="manager")
        companies.append((company, policy, user))

    existing = Incident.objects.filter(reference__startswith=f"{PREFIX}-").count()
    missing = max(0, total - existing)
    print(f"incidents: {existing} present, creating {missing}", flush=True)
    if missing:
        playbook = load_playbook("FR")
        anchor = timezone.now() - timedelta(hours=2)
        template = plan(
            IncidentFacts(
                country="FR",
                kinds=frozenset({"ransomware"}),
                discovered_at=anchor,
                personal_data="unknown",
            ),
            playbook,
        )
        batch = 1000
        for start in range(existing, existing + missing, batch):
            numbers = range(start, min(start + batch, existing + missing))
            with transaction.atomic():
                incidents = []
                for number in numbers:
                    company, policy, user = companies[number % clients]
                    # Spread discoveries over the last 60 hours: some deadlines near, some far.
                    shift = timedelta(minutes=random.randint(0, 60 * 60))
                    incidents.append(
                        Incident(
                            reference=f"{PREFIX}-{number:06d}",
                            company=company,
                            policy=policy,
                            kinds=["ransomware"],
                            discovered_at=anchor - shift,
                            personal_data="unknown",
                            declared_by=user,
                            playbook_version=playbook.version,
                        )
                    )
                Incident.objects.bulk_create(incidents)
                incidents = list(
                    Incident.objects.filter(
                        reference__in=[i.reference for i in incidents]
                    ).select_related("company")
                )
                steps, entries = [], []
                for incident in incidents:
                    shift = incident.discovered_at - anchor
                    for planned in template:
                        steps.append(
                            Step(
                                incident=incident,
                                key=planned.key,
                                order=planned.order,
                                definition=planned.as_dict(),
                                due_at=planned.due_at + shift if planned.due_at else None,
                            )
                        )
                    entry = JournalEntry(
                        incident=incident,
                        seq=1,
                        created_at=timezone.now(),
                        actor=incident.declared_by,
                        actor_label=incident.declared_by.email,
                        kind=JournalEntry.Kind.DECLARED,
                        text="Incident déclaré : Rançongiciel.",
                        data={"kinds": ["ransomware"]},
                        prev_hash=GENESIS_HASH,
                    )
                    entry.hash = entry.compute_hash()
                    entries.append(entry)
                Step.objects.bulk_create(steps, batch_size=2000)
                JournalEntry.objects.bulk_create(entries, batch_size=2000)
            print(f"  {numbers.stop - existing}/{missing}", flush=True)
    print(f"data ready in {time.perf_counter() - started:.1f} s", flush=True)
    return [(c.pk, u.email) for c, _, u in companies]


def work_plan(companies, gets: int, posts: int):
    """For each client: incident references to read, and open steps to complete."""
    from incident_app.models import Step

    plans = []
    for company_id, email in companies:
        references = list(
            Step.objects.filter(incident__company_id=company_id)
            .values_list("incident__reference", flat=True)
            .distinct()[:500]
        )
        open_steps = list(
            Step.objects.filter(
                incident__company_id=company_id, status="todo", key__in=COMPLETABLE
            ).values_list("incident__reference", "key")[: posts * 3]
        )
        random.shuffle(open_steps)
        plans.append(
            {
                "email": email,
                "reads": [random.choice(references) for _ in range(gets)],
                "writes": open_steps[:posts],
            }
        )
    return plans


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One signed-in browser: its own cookies, the CSRF token, timings of its requests."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )
        self.timings: dict[str, list[float]] = {"incident_page": [], "step_complete": []}
        self.errors = 0

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def sign_in(self, email):
        status, page = self.request("/compte/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request(
            "/compte/login/",
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token.decode()},
            {"Referer": self.base + "/compte/login/"},
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed for {email}: {status}")

    def timed(self, name, path, data=None, headers=None, expect=200):
        started = time.perf_counter()
        status, _ = self.request(path, data, headers)
        self.timings[name].append((time.perf_counter() - started) * 1000)
        if status != expect:
            self.errors += 1


def run_client(base, plan, barrier, think):
    client = Client(base)
    client.sign_in(plan["email"])
    barrier.wait(timeout=300)
    pause = random.Random(plan["email"])
    for reference in plan["reads"]:
        time.sleep(pause.uniform(0.5, 1.5) * think)
        client.timed("incident_page", f"/incidents/{reference}/")
    for reference, key in plan["writes"]:
        time.sleep(pause.uniform(0.5, 1.5) * think)
        client.timed(
            "step_complete",
            f"/incidents/{reference}/etapes/{key}/faite/",
            {"csrfmiddlewaretoken": client.csrf(), "proof_reference": "BENCH-1"},
            {"HX-Request": "true", "Referer": f"{base}/incidents/{reference}/"},
        )
    return client


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def server_timings(log_path: Path):
    """Per endpoint, the server-side durations (ms) from gunicorn's access log."""
    result = {"incident_page": [], "step_complete": []}
    for line in log_path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        method, path, status, micros = parts
        if float(micros) and path.startswith(f"/incidents/{PREFIX}-"):
            if method == "GET" and path.count("/") == 3:
                result["incident_page"].append(int(micros) / 1000)
            elif method == "POST" and path.endswith("/faite/"):
                result["step_complete"].append(int(micros) / 1000)
    return result


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 incidents, fewer requests")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause in seconds between a client's requests, as a person reading the "
        "page (0: every client fires back to back, a saturation test)",
    )
    args = parser.parse_args()
    total = 1_000 if args.quick else 10_000
    gets, posts = (10, 3) if args.quick else (40, 10)

    setup_django()
    companies = ensure_data(total, args.clients)
    plans = work_plan(companies, gets, posts)
    from django.db import connections

    connections.close_all()

    port = args.port or free_port()
    logdir = Path(tempfile.mkdtemp(prefix="riposte-bench-"))
    access_log = logdir / "access.log"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    env = {**os.environ, "DJANGO_DEBUG": "false", "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [
            gunicorn,
            "incident_app.wsgi",
            "-w",
            "2",
            "--threads",
            "8",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port, server)
        base = f"http://127.0.0.1:{port}"
        print(
            f"gunicorn on {base}: {args.clients} clients, {gets} page reads and {posts} "
            f"step completions each, {args.think:g} s mean pause between requests",
            flush=True,
        )
        barrier = threading.Barrier(len(plans))
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(plans)) as pool:
            clients = list(pool.map(lambda p: run_client(base, p, barrier, args.think), plans))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    time.sleep(0.2)
    measured = server_timings(access_log)
    errors = sum(c.errors for c in clients)
    client_side = {
        name: [t for c in clients for t in c.timings[name]]
        for name in ("incident_page", "step_complete")
    }
    print(f"run: {elapsed:.1f} s, errors: {errors}")
    for name, values in client_side.items():
        print(
            f"client-side {name}: n={len(values)} p50={percentile(values, 0.5):.1f} ms "
            f"p99={percentile(values, 0.99):.1f} ms mean={statistics.fmean(values or [0]):.1f} ms"
        )
    shutil.rmtree(logdir, ignore_errors=True)
    for name in ("incident_page", "step_complete"):
        print(f"server-side {name}: n={len(measured[name])}")
    for name in ("incident_page", "step_complete"):
        values = measured[name]
        for fraction, label in ((0.5, "p50"), (0.99, "p99")):
            key = f"{name}_{label}_ms"
            print(f"{key}: {percentile(values, fraction):.1f} ms (target: < {TARGETS[key]} ms)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
