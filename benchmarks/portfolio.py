"""The broker's portfolio under load: 20 brokers at once over 100,000 incidents.

    python benchmarks/portfolio.py [--quick] [--think 1.0] [--workers 4] [--threads 2]

Runs against the database the settings point at (``DATABASE_URL``; SQLite otherwise) and
says which; on PostgreSQL, give the benchmark a database of its own (it is created and
migrated if missing). Creates once, and reuses or tops up on later runs, 20 brokerages with
one broker each, 3 insurers, 100 client companies per brokerage and 100,000 incidents spread
over them (10,000 with ``--quick``), each with three steps (the hotline at once, the
complaint within 72 h, the claim declaration) in various states, and its portfolio summary
row (completeness, nearest deadline, open and answered requests) as the application keeps it.

What is measured
----------------
Each of the 20 brokers is signed in on a connection of its own, kept open as a browser
does, and after a pause of ``--think`` seconds on average (uniformly 0.5 to 1.5 times it)
asks for, in a random order:

* ``portfolio``: ``/courtier/``, the first page in the default order (what needs the broker
  first), about 5,000 incidents behind it;
* ``portfolio_filtered``: the same with three filters and a search
  (``state=declared&kind=ransomware&overdue=1&q=entreprise 1``);
* ``login``: the sign-in page, on an anonymous connection of the same person: the baseline,
  the cheapest page of the site under the very same load.

Latencies are taken on the server, from gunicorn's access log (``%(D)s``, from the start of
the worker's handling of the parsed request to the last byte), as ``benchmarks/wizard.py``
does; client-side figures are printed too. The last lines are the figures and their targets.
"""

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wizard import (  # noqa: E402  (the benchmarks share their load generator)
    PASSWORD,
    ROOT,
    Client,
    cpu_seconds,
    free_port,
    percentile,
    server_pids,
    setup_django,
    wait_for,
)

PREFIX = "PF"
EMAIL_DOMAIN = "portfolio.bench.example"
BROKERS = 20
INSURERS = 3
COMPANIES_PER_BROKER = 100
CLIENTS = 20
FILTERED = "state=declared&kind=ransomware&overdue=1&q=entreprise%201"
TARGETS = {
    "portfolio_p50_ms": "< 150 ms",
    "portfolio_p99_ms": "(reported)",
    "portfolio_filtered_p50_ms": "< 150 ms",
    "portfolio_filtered_p99_ms": "(reported)",
    "login_p50_ms": "(baseline)",
    "portfolio_vs_login_ratio": "< 8",
}
KINDS = ["ransomware", "phishing", "transfer_fraud", "data_leak", "ddos", "account_takeover"]


def ensure_data(total: int):
    """The brokerages, their brokers, the companies and ``total`` incidents."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from broker.models import ClaimSummary
    from coverage.models import Policy
    from incident_app.models import Incident, Membership, Organisation, Step, User

    password = make_password(PASSWORD)
    insurers = [
        Organisation.objects.get_or_create(name=f"{PREFIX} Assureur {i}", kind="insurer")[0]
        for i in range(INSURERS)
    ]
    brokers = []
    policies = []
    for b in range(BROKERS):
        org, _ = Organisation.objects.get_or_create(name=f"{PREFIX} Courtage {b}", kind="broker")
        user, created = User.objects.get_or_create(
            email=f"courtier{b}@{EMAIL_DOMAIN}", defaults={"password": password}
        )
        if created:
            Membership.objects.create(user=user, organisation=org, role="broker")
        brokers.append((org, user.email))
        existing = list(Policy.objects.filter(broker=org, number__startswith=f"{PREFIX}-"))
        for c in range(len(existing), COMPANIES_PER_BROKER):
            country = "LU" if c % 5 == 0 else "FR"
            company = Organisation.objects.create(
                name=f"Entreprise {b * COMPANIES_PER_BROKER + c}",
                kind="company",
                country=country,
                timezone="Europe/Luxembourg" if country == "LU" else "Europe/Paris",
            )
            existing.append(
                Policy.objects.create(
                    company=company,
                    broker=org,
                    insurer=insurers[c % INSURERS],
                    number=f"{PREFIX}-{b}-{c}",
                    starts_on=date(2026, 1, 1),
                    jurisdiction=country,
                    hotline="+33 1 80 40 12 34",
                )
            )
        policies.extend(existing)
    have = Incident.objects.filter(reference__startswith=f"{PREFIX}-").count()
    missing = total - have
    if missing <= 0:
        print(f"data: {have} benchmark incidents already there", flush=True)
        return [email for _, email in brokers]
    print(f"data: creating {missing} incidents (have {have})", flush=True)
    rng = random.Random(have)
    now = timezone.now()
    statuses = ["declared"] * 6 + ["open", "investigation", "reconstruction", "closed"]
    batch = 5_000
    for start in range(have, total, batch):
        rows = []
        for n in range(start, min(start + batch, total)):
            policy = policies[n % len(policies)]
            discovered = now - timedelta(hours=rng.uniform(1, 24 * 400))
            rows.append(
                Incident(
                    reference=f"{PREFIX}-{n:07d}",
                    company_id=policy.company_id,
                    policy=policy,
                    kinds=rng.sample(KINDS, rng.choice((1, 1, 2))),
                    discovered_at=discovered,
                    personal_data=rng.choice(["yes", "no", "unknown"]),
                    status=rng.choice(statuses),
                    created_at=discovered,
                )
            )
        with transaction.atomic():
            made = Incident.objects.bulk_create(rows)
            steps, summaries = [], []
            for incident in made:
                d = incident.discovered_at
                done = rng.random() < 0.6
                plan = [
                    ("hotline", 1, None, done),
                    ("complaint", 2, d + timedelta(hours=72), rng.random() < 0.5),
                    ("claim_declaration", 3, d + timedelta(days=7), rng.random() < 0.4),
                ]
                open_due = []
                for key, order, due, is_done in plan:
                    steps.append(
                        Step(
                            incident=incident,
                            key=key,
                            order=order,
                            definition={"title": {"fr": key, "en": key}},
                            due_at=due,
                            status="done" if is_done else "todo",
                            done_at=d + timedelta(hours=1) if is_done else None,
                        )
                    )
                    if not is_done and due is not None:
                        open_due.append(due)
                required = rng.randint(4, 8)
                present = rng.randint(0, required)
                summaries.append(
                    ClaimSummary(
                        incident=incident,
                        present=present,
                        required=required,
                        percent=round(100 * present / required),
                        missing=[],
                        next_due_at=min(open_due) if open_due else None,
                        open_requests=rng.choice((0, 0, 0, 1, 2)),
                        answered_requests=rng.choice((0, 0, 0, 0, 1)),
                    )
                )
            Step.objects.bulk_create(steps)
            ClaimSummary.objects.bulk_create(summaries)
        print(f"  {min(start + batch, total)} incidents", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return [email for _, email in brokers]


async def run_person(client, anonymous, plan, start, think):
    await start.wait()
    rng = random.Random(id(client))
    for name in plan:
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        if name == "login":
            await anonymous.timed("login", "GET", "/compte/login/")
        elif name == "portfolio":
            await client.timed("portfolio", "GET", "/courtier/")
        else:
            await client.timed("portfolio_filtered", "GET", f"/courtier/?{FILTERED}")
    await client.close()
    await anonymous.close()


async def run_all(port, emails, rounds, think, pids):
    people = []
    # One record of client-side timings for everyone.
    timings = defaultdict(list)
    for email in emails:
        client, anonymous = Client(port), Client(port)
        client.timings = anonymous.timings = timings
        people.append((email, client, anonymous))
    for index in range(0, len(people), 5):
        await asyncio.gather(*(c.sign_in(e) for e, c, _ in people[index : index + 5]))
    start = asyncio.Event()
    tasks = []
    for email, client, anonymous in people:
        plan = ["portfolio", "portfolio_filtered", "login"] * rounds
        random.Random(email).shuffle(plan)
        tasks.append(asyncio.create_task(run_person(client, anonymous, plan, start, think)))
    before = cpu_seconds(pids)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    after = cpu_seconds(pids)
    return people, time.perf_counter() - began, {k: after[k] - before[k] for k in after}


def server_timings(log_path: Path):
    result = {"portfolio": [], "portfolio_filtered": [], "login": []}
    for line in log_path.read_text().splitlines():
        method, path, status, micros, *query = line.split(" ", 4)
        if method != "GET" or not micros.isdigit() or status != "200":
            continue
        if path == "/courtier/":
            key = "portfolio_filtered" if query and query[0].strip() else "portfolio"
            result[key].append(int(micros) / 1000)
        elif path == "/compte/login/":
            result["login"].append(int(micros) / 1000)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 incidents, fewer requests")
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    total = 10_000 if args.quick else 100_000
    rounds = 3 if args.quick else 20

    setup_django()
    emails = ensure_data(total)[:CLIENTS]
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
            "--keep-alive",
            str(max(5, int(args.think * 2) + 2)),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s %(q)s",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port, server)
        time.sleep(1)
        pids = server_pids(server.pid)
        print(
            f"gunicorn gthread -w {args.workers} --threads {args.threads}: {len(emails)} brokers, "
            f"{rounds} rounds of (portfolio, filtered portfolio, login page) each, "
            f"{args.think:g} s mean pause",
            flush=True,
        )
        people, elapsed, cpu = asyncio.run(run_all(port, emails, rounds, args.think, pids))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    time.sleep(0.2)
    measured = server_timings(access_log)
    shutil.rmtree(logdir, ignore_errors=True)
    errors = [error for _, c, a in people for error in c.errors + a.errors]
    client_side = people[0][1].timings  # shared by all (see run_all)
    requests = sum(len(v) for v in client_side.values())
    print(f"run: {elapsed:.1f} s, {requests} requests, errors: {len(errors)}")
    for error in errors[:5]:
        print(f"  {error}")
    print(
        f"CPU over the run: machine {cpu['machine']:.1f} s, gunicorn {cpu['server']:.1f} s "
        f"({cpu['server'] / max(requests, 1) * 1000:.1f} ms a request), load generator "
        f"{cpu['client']:.1f} s"
    )
    for name in ("portfolio", "portfolio_filtered", "login"):
        values = client_side[name]
        server_values = measured[name]
        print(
            f"{name}: client-side p50={percentile(values, 0.5):.1f} ms; server-side "
            f"n={len(server_values)} mean={statistics.fmean(server_values or [0]):.1f} ms "
            f"max={max(server_values or [0]):.1f} ms"
        )
    figures = {}
    for name in ("portfolio", "portfolio_filtered", "login"):
        figures[f"{name}_p50_ms"] = percentile(measured[name], 0.5)
        figures[f"{name}_p99_ms"] = percentile(measured[name], 0.99)
    figures["portfolio_vs_login_ratio"] = figures["portfolio_p50_ms"] / figures["login_p50_ms"]
    for key, target in TARGETS.items():
        unit = "" if key.endswith("ratio") else " ms"
        print(f"{key}: {figures[key]:.1f}{unit} (target: {target})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
