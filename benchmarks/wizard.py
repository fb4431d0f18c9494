"""Incident page and step completion under load: 50 signed-in people against gunicorn.

    python benchmarks/wizard.py [--quick] [--clients 50] [--think 1.0]
                                [--workers 3] [--threads 4] [--port 0]

Runs against the database the settings point at (``DATABASE_URL``; SQLite otherwise) and
says which; on PostgreSQL, give the benchmark a database of its own (it is created and
migrated if missing). Creates a dedicated set of benchmark companies with 10,000 incidents
(1,000 with ``--quick``) once, and reuses or tops them up on later runs. Each incident has
the history of a real one a few hours in: 9 to 12 steps, some done with their proof, about
twenty journal entries in a valid hash chain, two evidence files, a cost on some, and a
policy with guarantees, one of them with a written condition.

What is measured
----------------
``--clients`` (50) people are signed in at once, each on a connection of its own kept
open as a browser does. Each one, after a pause of ``--think`` seconds on average
(uniformly 0.5 to 1.5 times it; **default 1 s**, a person glancing at the page, which is
faster than a real reader and so a harder test), asks for:

* ``incident_page``: GET of an incident page of its company (a random one of them);
* ``step_complete``: the HTMX POST that records an open step as done (CSRF and all);

the two mixed in a random order per client.

This is an open-ended crowd of people, not a throughput test: with the default pause the
server gets about ``clients / think`` requests a second (about 50). ``--think 0`` makes
every client fire back to back, a saturation test whose latencies mostly measure queueing.

Latencies are measured on the server, by gunicorn's access log (``%(D)s``: from the moment
a worker thread starts on the parsed request to the last byte sent, so waits for the GIL
and for the database count, but not time spent in the socket backlog), and, for
comparison, by the clients (connection queueing included). The last lines are the
server-side figures with their targets.

The load generator is one asyncio loop on raw sockets (HTTP/1.1 keep-alive, no thread per
client), so that it takes little of the two cores the server and PostgreSQL share with it;
the CPU each of them used is printed.

Gunicorn: ``--worker-class gthread -w 4 --threads 2`` by default, as in the production
image. Python runs one thread at a time per process: with more threads per process, a
request waits for the others' share of the interpreter lock and its latency grows with
every neighbour; with more processes, the two cores are shared by the operating system
instead. On the same data, ``-w 3 --threads 4`` gave a page p50 about 1.7 times that of
``-w 4 --threads 2``, and ``-w 6`` or ``-w 8`` with one thread no better. Two threads per
process still overlap one request's database round trips with another's work.

Under this load the two cores are mostly busy, so the latencies follow the CPU each request
costs (printed below, with the share PostgreSQL takes) more than anything else: compare runs
by that figure too, and on a quiet machine.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")

PASSWORD = "bench-password-not-secret"
PREFIX = "WIZ"
EMAIL_DOMAIN = "wizard.bench.example"
TARGETS = {
    "incident_page_p50_ms": 50,
    "incident_page_p99_ms": 300,
    "step_complete_p50_ms": 50,
    "step_complete_p99_ms": 300,
    "incident_page_vs_login_ratio": 4,
    "step_complete_vs_login_ratio": 5,
}
# Steps without anchored followers: completing them never replans the incident, as for
# most completions in real life.
COMPLETABLE = ("hotline", "isolate", "preserve_evidence", "crisis_cell", "communication")
# Done in the generated history of some incidents (never all of COMPLETABLE).
DONE_IN_HISTORY = ("hotline", "isolate")
JOURNAL_NOTES = 16
EVIDENCE_PER_INCIDENT = 2


def setup_django():
    import django

    os.environ.setdefault("DJANGO_DEBUG", "false")
    _create_database_if_missing()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    settings_db = connection.settings_dict
    print(f"database: {connection.vendor} ({settings_db.get('NAME')})", flush=True)
    if connection.vendor == "sqlite":
        print("warning: SQLite serialises writers; figures are not those of PostgreSQL")


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


def ensure_data(total: int, clients: int):
    """Benchmark companies, one manager each, and ``total`` incidents spread over them."""
    from django.contrib.auth.hashers import make_password

    from coverage.models import Guarantee, Policy
    from incident_app.models import Membership, Organisation, User

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
        policy, created = Policy.objects.get_or_create(
            company=company,
            insurer=insurer,
            number=f"{PREFIX}-{index:03d}",
            defaults={
                "broker": broker,
                "starts_on": date(2025, 1, 1),
                "hotline": "+33 1 80 40 12 34",
                "overall_limit": Decimal("500000"),
            },
        )
        if created or not policy.guarantees.exists():
            for kind, conditions in (
                (Guarantee.Kind.ASSISTANCE, ""),
                (Guarantee.Kind.FORENSIC, ""),
                (Guarantee.Kind.RESTORATION, "Sauvegardes hors ligne au moins hebdomadaires."),
            ):
                Guarantee.objects.create(
                    policy=policy, kind=kind, limit=Decimal("50000"), conditions=conditions
                )
        user, created = User.objects.get_or_create(
            email=f"manager{index:03d}@{EMAIL_DOMAIN}",
            defaults={"password": password, "first_name": f"Gérante {index}"},
        )
        # Hashing is deliberately slow: the first manager's password stands for all of them
        # (they are set together), so a later run does not spend a minute checking 50.
        if not created and (index == 0 or not companies) and not user.check_password(PASSWORD):
            User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").update(password=password)
        Membership.objects.get_or_create(user=user, organisation=company, role="manager")
        companies.append((company, policy, user))

    from incident_app.models import Incident

    existing = Incident.objects.filter(reference__startswith=f"{PREFIX}-").count()
    missing = max(0, total - existing)
    print(f"incidents: {existing} present, creating {missing}", flush=True)
    if missing:
        create_incidents(companies, existing, missing)
        analyze()
    print(f"data ready in {time.perf_counter() - started:.1f} s", flush=True)
    return [(c.pk, u.email) for c, _, u in companies]


def analyze():
    """Fresh statistics after a bulk load, so PostgreSQL plans as it would on live data."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def create_incidents(companies, existing: int, missing: int):
    """Incidents a few hours in, with the history the page shows, written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from coverage.models import Cost
    from incident_app.models import Evidence, Incident, JournalEntry, Step
    from incident_app.models.journal import GENESIS_HASH
    from playbooks.engine import IncidentFacts, load_playbook, plan

    playbook = load_playbook("FR")
    snapshot = playbook.as_dict()
    anchor = timezone.now() - timedelta(hours=2)
    templates = {
        nis2: plan(
            IncidentFacts(
                country="FR",
                kinds=frozenset({"ransomware"}),
                discovered_at=anchor,
                personal_data="yes",
                nis2=nis2,
            ),
            playbook,
        )
        for nis2 in (False, True)
    }
    guarantees = {}
    for _company, policy, _user in companies:
        guarantees[policy.pk] = {g.kind: g for g in policy.guarantees.all()}
    rng = random.Random(existing)
    batch = 500
    for start in range(existing, existing + missing, batch):
        numbers = range(start, min(start + batch, existing + missing))
        with transaction.atomic():
            incidents = []
            for number in numbers:
                company, policy, user = companies[number % len(companies)]
                # Spread discoveries over the last 60 hours: some deadlines near, some far.
                shift = timedelta(minutes=rng.randint(0, 60 * 60))
                incidents.append(
                    Incident(
                        reference=f"{PREFIX}-{number:06d}",
                        company=company,
                        policy=policy,
                        kinds=["ransomware"],
                        discovered_at=anchor - shift,
                        personal_data="yes",
                        nis2_entity=number % 3 == 0,
                        declared_by=user,
                        playbook_version=playbook.version,
                        playbook_snapshot=snapshot,
                    )
                )
            Incident.objects.bulk_create(incidents)
            incidents = list(
                Incident.objects.filter(reference__in=[i.reference for i in incidents])
                .select_related("company", "policy", "declared_by")
                .order_by("reference")
            )
            steps = []
            for incident in incidents:
                shift = incident.discovered_at - anchor
                done = DONE_IN_HISTORY[: rng.randint(0, len(DONE_IN_HISTORY))]
                for planned in templates[incident.nis2_entity]:
                    step = Step(
                        incident=incident,
                        key=planned.key,
                        order=planned.order,
                        definition=planned.as_dict(),
                        due_at=planned.due_at + shift if planned.due_at else None,
                    )
                    if planned.key in done:
                        step.status = Step.Status.DONE
                        step.done_at = incident.discovered_at + timedelta(minutes=20)
                        step.recorded_at = step.done_at + timedelta(minutes=5)
                        step.done_by = incident.declared_by
                        step.proof_reference = f"{planned.key.upper()}-{incident.pk}"
                    steps.append(step)
            Step.objects.bulk_create(steps, batch_size=2000)
            steps_of = {}
            for step in steps:
                steps_of.setdefault(step.incident_id, []).append(step)

            evidence, entries, costs = [], [], []
            for incident in incidents:
                history = incident_history(incident, steps_of[incident.pk], rng)
                evidence.extend(history["evidence"])
                entries.extend(history["journal"])
                if incident.pk % 3 == 0:
                    costs.append(
                        Cost(
                            incident=incident,
                            guarantee=guarantees[incident.policy_id]["forensic"],
                            supplier="Forensique Conseil",
                            incurred_on=incident.discovered_at.date(),
                            amount_excl_vat=Decimal("4800.00"),
                            amount_incl_vat=Decimal("5760.00"),
                            recorded_by=incident.declared_by,
                        )
                    )
            Evidence.objects.bulk_create(evidence, batch_size=2000)
            Cost.objects.bulk_create(costs, batch_size=2000)
            # The chain is hashed here, after the evidence has its keys.
            heads = chain(entries, GENESIS_HASH)
            JournalEntry.objects.bulk_create(entries, batch_size=2000)
            # The head on the incident, as ``JournalEntry.append`` keeps it, so the
            # journals verify and the benchmark's appends go on from their last entry.
            for incident in incidents:
                incident.journal_head_seq, incident.journal_head_hash = heads[incident.pk]
            Incident.objects.bulk_update(
                incidents, ["journal_head_seq", "journal_head_hash"], batch_size=2000
            )
        print(f"  {numbers.stop - existing}/{missing}", flush=True)


def incident_history(incident, steps, rng):
    """The evidence and journal entries of an incident (journal hashed later by ``chain``)."""
    from incident_app.models import Evidence, JournalEntry

    user = incident.declared_by
    moment = incident.discovered_at + timedelta(minutes=5)
    entries = []

    def entry(kind, text, data=None, occurred_at=None):
        nonlocal moment
        moment += timedelta(minutes=rng.randint(1, 7))
        entries.append(
            JournalEntry(
                incident=incident,
                seq=len(entries) + 1,
                created_at=moment,
                occurred_at=occurred_at,
                actor=user,
                actor_label=user.display_name,
                kind=kind,
                text=text,
                data=data or {},
            )
        )

    entry(JournalEntry.Kind.DECLARED, "Incident déclaré : Rançongiciel.", {"kinds": ["ransomware"]})
    for step in steps:
        if step.status == "done":
            entry(
                JournalEntry.Kind.STEP_DONE,
                f"Étape « {step.text('title')} » faite.",
                {"step": step.key, "proof_reference": step.proof_reference},
                occurred_at=step.done_at,
            )
    evidence = []
    for index in range(EVIDENCE_PER_INCIDENT):
        name = ("note-rancon.txt", "capture-ecran.png")[index % 2]
        digest = f"{incident.pk:032x}{index:032x}"
        evidence.append(
            Evidence(
                incident=incident,
                step=steps[2] if index == 0 else None,
                file=f"evidence/bench/{digest}",
                original_name=name,
                content_type="text/plain" if name.endswith(".txt") else "image/png",
                size=1200 + 50_000 * index,
                sha256=digest,
                uploaded_by=user,
                uploaded_at=moment,
            )
        )
        entry(
            JournalEntry.Kind.EVIDENCE_ADDED,
            f"Preuve ajoutée : {name} (SHA-256 {digest}).",
            {"name": name, "sha256": digest},
        )
    for index in range(rng.randint(JOURNAL_NOTES // 2, JOURNAL_NOTES)):
        entry(
            JournalEntry.Kind.NOTE,
            f"Point de situation n° {index + 1} : postes isolés, sauvegardes en cours de "
            "vérification, prestataire joint.",
        )
    return {"evidence": evidence, "journal": entries}


def chain(entries, genesis):
    """Hash the entries in order, per incident, as ``JournalEntry.append`` would.

    Returns each incident's head: the seq and hash of its last entry.
    """
    heads = {}
    for entry in entries:
        entry.data = json.loads(json.dumps(entry.data))
        entry.prev_hash = heads[entry.incident_id][1] if entry.incident_id in heads else genesis
        entry.hash = entry.compute_hash()
        heads[entry.incident_id] = (entry.seq, entry.hash)
    return heads


def work_plan(companies, gets: int, posts: int):
    """For each client: incident references to read, and open steps to complete."""
    from incident_app.models import Incident, Step

    plans = []
    for company_id, email in companies:
        references = list(
            Incident.objects.filter(
                company_id=company_id, reference__startswith=f"{PREFIX}-"
            ).values_list("reference", flat=True)
        )
        open_steps = list(
            Step.objects.filter(
                incident__company_id=company_id, status="todo", key__in=COMPLETABLE
            ).values_list("incident__reference", "key")
        )
        random.shuffle(open_steps)
        if len(open_steps) < posts:
            raise SystemExit(f"not enough open steps left for {email}: recreate the database")
        plans.append(
            {
                "email": email,
                "reads": [random.choice(references) for _ in range(gets)],
                "writes": open_steps[:posts],
            }
        )
    return plans


def measure_in_process(companies, rounds: int, repeats: int = 3):
    """CPU per request in this process (Django test client, ``time.process_time``) for the
    sign-in page, the incident page and a step completion, interleaved so that the noise of
    a shared machine falls on all three alike; the median of ``repeats`` passes.

    This is the figure to compare between builds: it leaves out the network, gunicorn and
    PostgreSQL's own CPU, and the ratios to the sign-in page hold from machine to machine.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from incident_app.models import Incident, Step, User

    company_id, email = companies[0]
    references = list(
        Incident.objects.filter(company_id=company_id, reference__startswith=f"{PREFIX}-")
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    # Open steps of other companies' incidents than those the load phase completes
    # (its clients take steps of their own company): the last company's.
    writer_company, writer_email = companies[-1]
    open_steps = list(
        Step.objects.filter(
            incident__company_id=writer_company, status="todo", key__in=COMPLETABLE
        ).values_list("incident__reference", "key")[: rounds * (repeats + 1) + 1]
    )
    if len(open_steps) < rounds * (repeats + 1) + 1:
        raise SystemExit("not enough open steps left for the in-process run: recreate the database")
    host = {"HTTP_HOST": "127.0.0.1"}
    anonymous = Client(**host)
    reader = Client(**host)
    reader.force_login(User.objects.get(email=email))
    writer = Client(**host)
    writer.force_login(User.objects.get(email=writer_email))

    def login_page(_index):
        return anonymous.get("/compte/login/")

    def incident_page(index):
        return reader.get(f"/incidents/{references[index % len(references)]}/")

    steps = iter(open_steps)

    def step_complete(_index):
        reference, key = next(steps)
        return writer.post(
            f"/incidents/{reference}/etapes/{key}/faite/",
            {"proof_reference": "BENCH-1"},
            HTTP_HX_REQUEST="true",
        )

    kinds = {"login": login_page, "incident_page": incident_page, "step_complete": step_complete}
    # One warm-up round: templates compiled, connections open, caches filled as in a
    # worker that has served a few requests.
    for index in range(rounds):
        for call in kinds.values():
            call(index)
    passes = {name: [] for name in kinds}
    for _repeat in range(repeats):
        spent = dict.fromkeys(kinds, 0.0)
        for index in range(rounds):
            for name, call in kinds.items():
                started = time.process_time()
                response = call(index)
                spent[name] += time.process_time() - started
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code}")
        for name in kinds:
            passes[name].append(spent[name] / rounds * 1000)
    queries = {}
    for name, call in kinds.items():
        with CaptureQueriesContext(connection) as captured:
            call(rounds)
        queries[name] = len(captured)
    medians = {name: statistics.median(values) for name, values in passes.items()}
    reopen(open_steps)
    return medians, passes, queries


def reopen(step_keys):
    """Put the steps the in-process run completed back to do, so that the next run finds
    them open (their journal entries stay: the chains remain valid, only longer)."""
    from django.db.models import Q

    from incident_app.models import Step

    match = Q(pk__in=[])
    for reference, key in step_keys:
        match |= Q(incident__reference=reference, key=key)
    Step.objects.filter(match).update(
        status="todo", done_at=None, recorded_at=None, done_by=None, proof_reference=""
    )


def print_in_process(passes, queries):
    for name, values in passes.items():
        print(
            f"in-process {name}: "
            + " ".join(f"{v:.2f}" for v in values)
            + f" ms CPU a request over {len(values)} passes, {queries[name]} queries"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One signed-in person: one keep-alive connection, its cookies, its timings."""

    def __init__(self, port: int):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.reader = self.writer = None
        self.timings: dict[str, list[float]] = {"incident_page": [], "step_complete": []}
        self.errors: list[str] = []

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()

    async def request(self, method, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", "Connection: keep-alive"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        lines.extend(f"{k}: {v}" for k, v in (headers or {}).items())
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):
            if self.writer is None or self.writer.is_closing():
                await self._connect()
            try:
                self.writer.write(raw)
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                # The server closed an idle keep-alive connection before reading the
                # request: open a new one and send it again, as a browser does.
                self.writer = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                self.cookies[key.strip()] = cookie.strip()
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status, body

    async def sign_in(self, email):
        status, page = await self.request("GET", "/compte/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = await self.request(
            "POST",
            "/compte/login/",
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token.decode()},
            {"Referer": f"http://{self.host}/compte/login/"},
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed for {email}: {status}")

    async def timed(self, name, method, path, data=None, headers=None, expect=200):
        started = time.perf_counter()
        try:
            status, _ = await self.request(method, path, data, headers)
        except (OSError, asyncio.IncompleteReadError) as error:
            status = f"{type(error).__name__}"
        self.timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        if status != expect:
            self.errors.append(f"{name} {path}: {status}")


async def run_client(client, plan, start, think):
    await start.wait()
    rng = random.Random(plan["email"])
    # Reads and completions mixed, as a person alternates them, so both are measured under
    # the same load (completions all at the end would meet a server the readers had left).
    actions = [("read", reference) for reference in plan["reads"]]
    actions += [("write", write) for write in plan["writes"]]
    rng.shuffle(actions)
    for action, target in actions:
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        if action == "read":
            await client.timed("incident_page", "GET", f"/incidents/{target}/")
            continue
        reference, key = target
        await client.timed(
            "step_complete",
            "POST",
            f"/incidents/{reference}/etapes/{key}/faite/",
            {"csrfmiddlewaretoken": client.cookies["csrftoken"], "proof_reference": "BENCH-1"},
            {"HX-Request": "true", "Referer": f"http://{client.host}/incidents/{reference}/"},
        )
    await client.close()


async def saturate(port, clients, plans, per_client):
    """Requests a second with no pause at all, for the incident page (every client signed
    in, back to back) and then for the sign-in page (as many anonymous clients): the
    server's capacity for each, measured on the same machine a moment apart."""
    rates = {}

    async def pages(client, plan):
        for reference in random.sample(plan["reads"], min(per_client, len(plan["reads"]))):
            await client.timed("saturate_page", "GET", f"/incidents/{reference}/")

    async def logins(client):
        for _ in range(per_client):
            await client.timed("saturate_login", "GET", "/compte/login/")

    began = time.perf_counter()
    await asyncio.gather(*(pages(c, p) for c, p in zip(clients, plans, strict=True)))
    rates["incident_page"] = len(clients) * per_client / (time.perf_counter() - began)
    anonymous = [Client(port) for _ in clients]
    began = time.perf_counter()
    await asyncio.gather(*(logins(c) for c in anonymous))
    rates["login"] = len(anonymous) * per_client / (time.perf_counter() - began)
    for client in anonymous:
        await client.close()
    return rates, [e for c in anonymous for e in c.errors]


async def run_all(port, plans, think, pids, saturation=0):
    """Sign everyone in, then run them all; CPU used is counted from the first request.
    Then, with ``saturation`` requests per client, the saturation phase."""
    clients = [Client(port) for _ in plans]
    # Sign in a few at a time: password hashing is deliberately slow and is not measured.
    for index in range(0, len(clients), 5):
        group = zip(clients[index : index + 5], plans[index : index + 5], strict=True)
        await asyncio.gather(*(c.sign_in(p["email"]) for c, p in group))
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(run_client(c, p, start, think))
        for c, p in zip(clients, plans, strict=True)
    ]
    before = cpu_seconds(pids)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    after = cpu_seconds(pids)
    used = {name: after[name] - before[name] for name in after}
    elapsed = time.perf_counter() - began
    rates, errors = {}, []
    if saturation:
        # The clients closed their connections: they open new ones, still signed in.
        rates, errors = await saturate(port, clients, plans, saturation)
    clients[0].errors.extend(errors)
    return clients, elapsed, used, rates


def cpu_seconds(pids):
    """CPU seconds used so far: by this process, by the given server processes, and by the
    whole machine (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    server = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            server += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    try:
        # user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
        machine = (sum(fields) - fields[3] - fields[4]) / ticks
    except (OSError, ValueError):
        machine = 0.0
    return {"client": time.process_time(), "server": server, "machine": machine}


def server_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    return [master, *map(int, children)]


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def server_timings(log_path: Path, limit: int):
    """Per endpoint, the server-side durations (ms) from gunicorn's access log: the first
    ``limit`` of them, those of the paced run (the saturation phase comes after it)."""
    result = {"incident_page": [], "step_complete": []}
    for line in log_path.read_text().splitlines():
        if len(result["incident_page"]) + len(result["step_complete"]) >= limit:
            break
        parts = line.split()
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        method, path, status, micros = parts
        if path.startswith(f"/incidents/{PREFIX}-"):
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
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per process")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause in seconds between a client's requests, as a person reading the "
        "page (default 1; 0: every client fires back to back, a saturation test)",
    )
    parser.add_argument(
        "--saturate",
        type=int,
        default=None,
        help="requests per client in the saturation phase, back to back (default 5, or 20 "
        "without --quick; 0: none)",
    )
    parser.add_argument(
        "--in-process-only",
        action="store_true",
        help="only the CPU per request in process and the ratios (no gunicorn, no load)",
    )
    args = parser.parse_args()
    total = 1_000 if args.quick else 10_000
    gets, posts = (10, 3) if args.quick else (40, 10)
    saturation = args.saturate if args.saturate is not None else (5 if args.quick else 20)
    rounds = 15 if args.quick else 40

    setup_django()
    companies = ensure_data(total, args.clients)
    plans = work_plan(companies[:-1] if len(companies) > 1 else companies, gets, posts)
    in_process, passes, queries = measure_in_process(companies, rounds)
    print_in_process(passes, queries)
    if args.in_process_only:
        print_ratios(in_process)
        return 0
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
            "riposte.wsgi",
            "--worker-class",
            "gthread",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            # Longer than the longest pause, so a person's connection stays open as in a
            # browser.
            "--keep-alive",
            str(max(5, int(args.think * 2) + 2)),
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
        time.sleep(1)  # the workers boot after the master listens
        pids = server_pids(server.pid)
        print(
            f"gunicorn gthread -w {args.workers} --threads {args.threads} on port {port}: "
            f"{args.clients} clients, {gets} page reads and {posts} step completions each, "
            f"{args.think:g} s mean pause between requests",
            flush=True,
        )
        clients, elapsed, cpu, rates = asyncio.run(
            run_all(port, plans, args.think, pids, saturation)
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    time.sleep(0.2)
    paced = sum(len(c.timings["incident_page"]) + len(c.timings["step_complete"]) for c in clients)
    measured = server_timings(access_log, paced)
    shutil.rmtree(logdir, ignore_errors=True)
    errors = [error for c in clients for error in c.errors]
    client_side = {
        name: [t for c in clients for t in c.timings.get(name, [])]
        for name in ("incident_page", "step_complete", "saturate_page", "saturate_login")
    }
    requests = len(client_side["incident_page"]) + len(client_side["step_complete"])
    print(
        f"run: {elapsed:.1f} s, {requests} requests ({requests / elapsed:.1f}/s), errors: "
        f"{len(errors)}"
    )
    for error in errors[:5]:
        print(f"  {error}")
    cores = os.cpu_count() or 1
    print(
        f"CPU over the run ({cores} cores x {elapsed:.0f} s = {cores * elapsed:.0f} s): "
        f"machine {cpu['machine']:.1f} s, of which gunicorn {cpu['server']:.1f} s "
        f"({cpu['server'] / max(requests, 1) * 1000:.1f} ms a request) and load generator "
        f"{cpu['client']:.1f} s; the rest is PostgreSQL and anything else running"
    )
    for name, values in client_side.items():
        print(
            f"client-side {name}: n={len(values)} p50={percentile(values, 0.5):.1f} ms "
            f"p99={percentile(values, 0.99):.1f} ms mean={statistics.fmean(values or [0]):.1f} ms"
        )
    for name in ("incident_page", "step_complete"):
        values = measured[name]
        print(
            f"server-side {name}: n={len(values)} mean={statistics.fmean(values or [0]):.1f} ms "
            f"max={max(values or [0]):.1f} ms"
        )
    for name in ("incident_page", "step_complete"):
        values = measured[name]
        for fraction, label in ((0.5, "p50"), (0.99, "p99")):
            key = f"{name}_{label}_ms"
            print(f"{key}: {percentile(values, fraction):.1f} ms (target: < {TARGETS[key]} ms)")
    if rates:
        print(f"saturation_login_requests_per_s: {rates['login']:.1f} /s (baseline)")
        print(
            f"saturation_requests_per_s: {rates['incident_page']:.1f} /s of incident pages "
            f"({rates['incident_page'] / rates['login']:.3f} of the sign-in page's)"
        )
    print_ratios(in_process)
    return 1 if errors else 0


def print_ratios(in_process):
    login = in_process["login"]
    print(f"login_cpu_ms: {login:.2f} ms (baseline, in process)")
    print(f"incident_page_cpu_ms: {in_process['incident_page']:.2f} ms (in process)")
    print(f"step_complete_cpu_ms: {in_process['step_complete']:.2f} ms (in process)")
    print(
        f"incident_page_vs_login_ratio: {in_process['incident_page'] / login:.2f} "
        f"(target: <= {TARGETS['incident_page_vs_login_ratio']})"
    )
    print(
        f"step_complete_vs_login_ratio: {in_process['step_complete'] / login:.2f} "
        f"(target: <= {TARGETS['step_complete_vs_login_ratio']})"
    )


if __name__ == "__main__":
    sys.exit(main())
