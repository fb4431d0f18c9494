"""The whole site under a realistic crowd: 50 people at work, against gunicorn.

    python benchmarks/load.py [--quick] [--think 1.0] [--workers 4] [--threads 2]

Runs against the configured database (``DATABASE_URL``: give it a PostgreSQL database of
its own; it is created and migrated if missing) and, when ``REDIS_URL`` is set, Redis for
the cache, the sessions and the Celery broker, as in production. A Celery worker renders the
claim dossiers asked for during the run, on a queue of its own.

The crowd, at 50 people (``--quick``: the same crowd, fewer actions each, under a minute):

* 30 company managers working through the step-by-step guide: they open an incident
  page, record a step as done (the HTMX POST), and now and then upload a piece of evidence;
* 8 brokers browsing their portfolio (about 100 to 250 claims each) and opening claims;
* 4 insurer auditors reloading the deadline-audit dashboard over the whole portfolio;
* 8 managers asking for their claim dossier (a PDF the worker renders) and polling its
  progress page as the browser does;

and, in the same run, 5 more clients reading the sign-in page alone: the baseline, the
cheapest page of the site under the same load. Brokers and auditors sign in with their
password and their authenticator code, as people do; signing in is not measured.

Each person pauses ``--think`` seconds on average between requests (0.5 to 1.5 times it),
a person glancing at a page. Latencies are measured on the server by gunicorn's access log
(``%(D)s``, each request labelled by the client), as in ``benchmarks/wizard.py``, whose data
generator and HTTP client this script reuses (with data of its own, prefixed ``LOAD-``).
"""

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import wizard
from wizard import PASSWORD, cpu_seconds, free_port, percentile, server_pids, wait_for

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "LOAD"
EMAIL_DOMAIN = "load.bench.example"
# The authenticator key of the benchmark's brokers and auditors (base32 of 20 bytes).
TOTP_KEY_HEX = "4c4f41442d42454e43482d544f54502d4b45592d"
MANAGERS, BROKERS, AUDITORS, DOSSIERS, LOGIN_CLIENTS = 30, 8, 4, 8, 5
BROKER_FIRMS = 4
TARGETS = {
    "requests_per_s": "≥ 40 req/s, the crowd's pace: 55 clients at about 1 request a second",
    "wizard_p99_ms": "< 300 ms",
    "errors": "0",
    "mix_vs_login_ratio": "< 10: the mix's median within ten sign-in pages",
}
WIZARD = ("incident_page", "step_complete")


def ensure_data(incidents_per_company: int):
    """Companies with incidents, broker firms sharing them, one insurer and its auditors."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from coverage.models import Guarantee, Policy
    from incident_app.models import Incident, Membership, Organisation, User

    password = make_password(PASSWORD)

    def person(email, org, role):
        user, created = User.objects.get_or_create(email=email, defaults={"password": password})
        if not created and not user.check_password(PASSWORD):
            user.password = password
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": role})
        if role in ("broker", "auditor"):
            TOTPDevice.objects.get_or_create(
                user=user, name="app", defaults={"key": TOTP_KEY_HEX, "confirmed": True}
            )
        return user

    insurer, _ = Organisation.objects.get_or_create(
        name=f"{PREFIX} Assureur", kind="insurer", defaults={"country": "FR"}
    )
    firms = [
        Organisation.objects.get_or_create(
            name=f"{PREFIX} Courtage {index}", kind="broker", defaults={"country": "FR"}
        )[0]
        for index in range(BROKER_FIRMS)
    ]
    companies = []
    for index in range(MANAGERS + DOSSIERS):
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
                "broker": firms[index % BROKER_FIRMS],
                "starts_on": date(2025, 1, 1),
                "hotline": "+33 1 80 40 12 34",
                "overall_limit": Decimal("500000"),
            },
        )
        if created:
            for kind in (Guarantee.Kind.ASSISTANCE, Guarantee.Kind.FORENSIC):
                Guarantee.objects.create(policy=policy, kind=kind, limit=Decimal("50000"))
        user = person(f"manager{index:03d}@{EMAIL_DOMAIN}", company, "manager")
        companies.append((company, policy, user))
    brokers = [
        person(f"broker{index}@{EMAIL_DOMAIN}", firms[index % BROKER_FIRMS], "broker")
        for index in range(BROKERS)
    ]
    auditors = [
        person(f"auditor{index}@{EMAIL_DOMAIN}", insurer, "auditor") for index in range(AUDITORS)
    ]
    total = incidents_per_company * len(companies)
    existing = Incident.objects.filter(reference__startswith=f"{PREFIX}-").count()
    if existing < total:
        print(f"incidents: {existing} present, creating {total - existing}", flush=True)
        # The wizard benchmark's generator, with our prefix: real steps, journal, evidence.
        wizard.PREFIX = PREFIX
        wizard.create_incidents(companies, existing, total - existing)
        wizard.analyze()
    return companies, brokers, auditors


def plans_for(companies, brokers, auditors, actions: int):
    from incident_app.models import Incident, Step

    rng = random.Random(7)
    plans = []
    for index, (company, _policy, user) in enumerate(companies):
        references = list(
            Incident.objects.filter(company=company).values_list("reference", flat=True)
        )
        if index < MANAGERS:
            open_steps = list(
                Step.objects.filter(
                    incident__company=company, status="todo", key__in=wizard.COMPLETABLE
                ).values_list("incident__reference", "key")
            )
            rng.shuffle(open_steps)
            writes = actions // 3
            if len(open_steps) < writes:
                raise SystemExit(f"no open steps left for {user.email}: recreate the database")
            plan = [("incident_page", rng.choice(references)) for _ in range(actions - writes)]
            plan += [("step_complete", step) for step in open_steps[:writes]]
            plan += [("upload", rng.choice(references)) for _ in range(max(1, actions // 8))]
            rng.shuffle(plan)
            plans.append(("manager", user.email, plan))
        else:
            plan = [("dossier_request", rng.choice(references))]
            plan += [("dossier_page", None)] * (actions - 1)
            plans.append(("dossier", user.email, plan))
    for user in brokers:
        references = list(
            Incident.objects.filter(policy__broker__memberships__user=user).values_list(
                "reference", flat=True
            )
        )
        plan = []
        for _ in range(actions):
            plan.append(
                ("portfolio", None) if rng.random() < 0.5 else ("claim", rng.choice(references))
            )
        plans.append(("broker", user.email, plan))
    for user in auditors:
        plans.append(("auditor", user.email, [("dashboard", None)] * max(2, actions // 2)))
    for _ in range(LOGIN_CLIENTS):
        plans.append(("anonymous", None, [("login_page", None)] * actions))
    return plans


def totp_now() -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(TOTP_KEY_HEX)):06d}"


class Person(wizard.Client):
    """One person's browser: the wizard benchmark's client, with multipart uploads, labels
    for the access log, and the second factor."""

    def __init__(self, port):
        super().__init__(port)
        self.timings = {}
        self.dossier_url = None

    async def send(self, label, method, path, body=b"", content_type=None, headers=None):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", "Connection: keep-alive"]
        lines.append(f"X-Bench: {label}")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines.append(f"Content-Type: {content_type}")
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
                self.writer = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def timed(self, label, method, path, *, body=b"", content_type=None, expect=(200,)):
        headers = {"Referer": f"http://{self.host}{path}"}
        if method == "POST" and label != "dossier_request":
            # Recorded from the page with JavaScript on: HTMX swaps a fragment.
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            status, page = await self.send(label, method, path, body, content_type, headers)
        except (OSError, asyncio.IncompleteReadError) as error:
            status, page = type(error).__name__, b""
        self.timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        if status not in expect:
            self.errors.append(f"{label} {method} {path}: {status}")
        return status, page

    async def sign_in_with_code(self, email, needs_code):
        await self.sign_in(email)
        if needs_code:
            status, page = await self.request("GET", "/compte/double-authentification/")
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            status, _ = await self.request(
                "POST",
                "/compte/double-authentification/",
                {"code": totp_now(), "csrfmiddlewaretoken": token.decode()},
                {"Referer": f"http://{self.host}/compte/double-authentification/"},
            )
            if status != 302:
                raise RuntimeError(f"second factor refused for {email}: {status}")


def form(data):
    return urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded"


def multipart(fields, filename, content):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


NOTE = (
    "Journal du poste comptable : connexion RDP inconnue à 22 h 14, chiffrement à 22 h 31.\n" * 60
).encode()


async def act(person, role, action, target):
    csrf = person.cookies.get("csrftoken", "")
    if action == "incident_page" or action == "claim":
        await person.timed(action, "GET", f"/incidents/{target}/")
    elif action == "step_complete":
        reference, key = target
        body, kind = form({"csrfmiddlewaretoken": csrf, "proof_reference": "LOAD-1"})
        await person.timed(
            action,
            "POST",
            f"/incidents/{reference}/etapes/{key}/faite/",
            body=body,
            content_type=kind,
        )
    elif action == "upload":
        body, kind = multipart(
            {"csrfmiddlewaretoken": csrf, "description": "Journal exporté"}, "journal.txt", NOTE
        )
        await person.timed(
            action, "POST", f"/incidents/{target}/preuves/", body=body, content_type=kind
        )
    elif action == "portfolio":
        await person.timed(action, "GET", "/courtier/")
    elif action == "dashboard":
        await person.timed(action, "GET", "/assureur/")
    elif action == "dossier_request":
        body, kind = form({"csrfmiddlewaretoken": csrf})
        person.dossier_url = f"/incidents/{target}/dossier/"
        await person.timed(
            action, "POST", person.dossier_url, body=body, content_type=kind, expect=(302,)
        )
    elif action == "dossier_page":
        await person.timed(action, "GET", person.dossier_url)
    elif action == "login_page":
        await person.timed(action, "GET", "/compte/login/")


async def run_person(person, role, plan, start, think, seed):
    await start.wait()
    rng = random.Random(seed)
    for action, target in plan:
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        await act(person, role, action, target)
    await person.close()


async def run_all(port, plans, think, pids):
    people = [Person(port) for _ in plans]
    signing_in = [
        (person, email, role in ("broker", "auditor"))
        for person, (role, email, _plan) in zip(people, plans, strict=True)
        if email
    ]
    # A few at a time: password hashing is deliberately slow, and is not measured.
    for index in range(0, len(signing_in), 5):
        await asyncio.gather(
            *(p.sign_in_with_code(e, c) for p, e, c in signing_in[index : index + 5])
        )
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(run_person(person, role, plan, start, think, index))
        for index, (person, (role, _email, plan)) in enumerate(zip(people, plans, strict=True))
    ]
    before = cpu_seconds(pids)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    after = cpu_seconds(pids)
    return people, time.perf_counter() - began, {k: after[k] - before[k] for k in after}


def server_timings(log_path: Path) -> dict[str, list[float]]:
    result: dict[str, list[float]] = {}
    for line in log_path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[2].isdigit() or parts[0] == "-":
            continue
        label, _status, micros = parts
        result.setdefault(label, []).append(int(micros) / 1000)
    return result


def start_worker(env, queue):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "riposte",
            "worker",
            "-Q",
            queue,
            "--concurrency=1",
            "--loglevel=WARNING",
            "-n",
            f"load-{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer incidents and actions")
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    per_company, actions = (10, 7) if args.quick else (30, 60)

    wizard.setup_django()
    from django.conf import settings

    if not os.environ.get("REDIS_URL"):
        print("warning: no REDIS_URL: cache and sessions in each process, a file-based queue")
    companies, brokers, auditors = ensure_data(per_company)
    plans = plans_for(companies, brokers, auditors, actions)
    from django.db import connections

    connections.close_all()

    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="riposte-load-"))
    access_log = work / "access.log"
    queue = f"load-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        "RIPOSTE_CELERY_QUEUE": queue,
        "RIPOSTE_PRIVATE_ROOT": str(work / "private"),
    }
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
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
            "%({x-bench}i)s %(s)s %(D)s",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    worker = start_worker(env, queue)
    try:
        wait_for(port, server)
        time.sleep(1)
        pids = server_pids(server.pid)
        print(
            f"gunicorn gthread -w {args.workers} --threads {args.threads} on port {port}, "
            f"a Celery worker on queue {queue}; {len(plans) - LOGIN_CLIENTS} people and "
            f"{LOGIN_CLIENTS} sign-in page readers, {actions} actions each, "
            f"{args.think:g} s mean pause; database {settings.DATABASES['default']['ENGINE']}",
            flush=True,
        )
        people, elapsed, cpu = asyncio.run(run_all(port, plans, args.think, pids))
    finally:
        server.terminate()
        worker.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    time.sleep(0.2)
    measured = server_timings(access_log)
    shutil.rmtree(work, ignore_errors=True)

    errors = [error for person in people for error in person.errors]
    mix = {label: values for label, values in measured.items() if label != "login_page"}
    mix_all = [value for values in mix.values() for value in values]
    login = measured.get("login_page", [])
    wizard_values = [value for label in WIZARD for value in measured.get(label, [])]
    mix_requests = len(mix_all)
    print(f"run: {elapsed:.1f} s, {mix_requests + len(login)} requests, errors: {len(errors)}")
    for error in errors[:8]:
        print(f"  {error}")
    print(
        f"CPU over the run ({os.cpu_count()} cores x {elapsed:.0f} s): machine "
        f"{cpu['machine']:.1f} s, gunicorn {cpu['server']:.1f} s, load generator "
        f"{cpu['client']:.1f} s"
    )
    for label in sorted(measured):
        values = measured[label]
        print(
            f"server-side {label:16} n={len(values):5} p50={percentile(values, 0.5):7.1f} ms "
            f"p99={percentile(values, 0.99):7.1f} ms max={max(values):7.1f} ms"
        )
    ratio = percentile(mix_all, 0.5) / max(percentile(login, 0.5), 0.001)
    print(
        f"requests_per_s: {(mix_requests + len(login)) / elapsed:.1f} req/s (target: {TARGETS['requests_per_s']})"
    )
    print(
        f"wizard_p99_ms: {percentile(wizard_values, 0.99):.1f} ms (target: {TARGETS['wizard_p99_ms']})"
    )
    print(f"errors: {len(errors)} requests (target: {TARGETS['errors']})")
    print(f"mix_vs_login_ratio: {ratio:.1f} x (target: {TARGETS['mix_vs_login_ratio']})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
