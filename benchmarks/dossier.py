"""Rendering the claim dossier and the reflex sheet: time and peak memory.

    python benchmarks/dossier.py [--quick] [--runs 3]

Runs against the database the settings point at (``DATABASE_URL``; SQLite otherwise) and
says which; on PostgreSQL, give the benchmark a database of its own (it is created and
migrated if missing). Creates, once, a benchmark company with a prepared continuity plan and
two incidents: a typical one (20 journal entries, 10 evidence files) and a large one (300
journal entries, 500 evidence files), each in a valid hash chain, and reuses them later.

What is measured
----------------
Each rendering runs in a fresh Python process, as in a worker: the process sets Django up,
then renders exactly as the worker does (``render_dossier``: gather, template, WeasyPrint
tagged PDF/A-3b with the CSV inventory embedded, store, hash, journal) and reports the
rendering's wall time and the process's peak resident memory (``ru_maxrss``, Django and
WeasyPrint included). The typical dossier and the reflex sheet are rendered ``--runs`` times
(the median is printed), the large dossier once in ``--quick`` mode.

Baseline, in the same run: the sign-in page rendered by the Django test client in one such
process, as the time of the cheapest page of the site on this machine at this moment.
Compare figures from a quiet machine; the two cores are shared.
"""

import argparse
import json
import os
import resource
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

COMPANY = "Benchmark dossier SARL"
EMAIL = "manager@dossier.bench.example"
SIZES = {"typical": (20, 10), "large": (300, 500)}
TARGETS = {
    "typical_render_s": "< 1.5 s",
    "large_render_s": "< 10 s",
    "large_peak_mb": "< 400 MB",
    "reflex_sheet_s": "none set",
}


def setup_django(quiet=False):
    import django

    os.environ.setdefault("DJANGO_DEBUG", "false")
    _create_database_if_missing()
    django.setup()
    from django.conf import settings

    # Rendered PDFs go to a folder of the run, never to the configured private storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="riposte-dossier-bench-")},
        },
    }
    if quiet:
        return
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict.get('NAME')})", flush=True)


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


# --- data ---------------------------------------------------------------------------------------


def ensure_data() -> dict:
    """The benchmark company and its two incidents, created once."""
    from django.db import transaction
    from django.utils import timezone

    from coverage.models import Guarantee, Policy
    from incident_app.models import Membership, Organisation, User
    from incident_app.services.incidents import open_incident
    from preparedness.models import DirectoryEntry, RosterEntry

    company = Organisation.objects.filter(name=COMPANY, kind="company").first()
    if company is None:
        with transaction.atomic():
            company = Organisation.objects.create(
                name=COMPANY,
                kind="company",
                country="FR",
                legal_name=COMPANY,
                registration_number="999 888 777",
                address="1 place de la Bourse\n67000 Strasbourg",
                department="67",
                legal_representative="Anne Bench, gérante",
                dpo_contact="dpo@dossier.bench.example",
            )
            broker = Organisation.objects.create(name="Bench Courtage", kind="broker")
            insurer = Organisation.objects.create(name="Bench Assurances", kind="insurer")
            user = User.objects.create_user(email=EMAIL, password=None, first_name="Anne")
            Membership.objects.create(user=user, organisation=company, role="manager")
            policy = Policy.objects.create(
                company=company,
                broker=broker,
                insurer=insurer,
                number="BENCH-1",
                starts_on=date(2026, 1, 1),
                jurisdiction="FR",
                hotline="+33 1 80 40 12 34",
                overall_limit=Decimal("500000"),
            )
            for kind in (Guarantee.Kind.ASSISTANCE, Guarantee.Kind.FORENSIC):
                Guarantee.objects.create(policy=policy, kind=kind, limit=Decimal("50000"))
            for index in range(6):
                RosterEntry.objects.create(
                    company=company,
                    name=f"Personne {index + 1}",
                    role="Cellule",
                    mobile=f"+3361234560{index}",
                    may_call_hotline=index == 0,
                )
            for kind in DirectoryEntry.ESSENTIAL:
                DirectoryEntry.objects.create(
                    company=company, kind=kind, name=f"Contact {kind}", phone="+33388112233"
                )
    user = User.objects.get(email=EMAIL)
    policy = company.policies.get()
    incidents = {}
    for size, (entries, files) in SIZES.items():
        reference = f"BENCH-DOSSIER-{size.upper()}"
        from incident_app.models import Incident

        incident = Incident.objects.filter(reference=reference).first()
        if incident is None:
            with transaction.atomic():
                incident = open_incident(
                    company=company,
                    policy=policy,
                    kinds=["ransomware", "data_leak"],
                    discovered_at=timezone.now() - timedelta(hours=30),
                    personal_data="yes",
                    declared_by=user,
                    reference=reference,
                )
                fill(incident, user, entries, files)
        incidents[size] = incident.pk
    return {"company": company.pk, **incidents}


def fill(incident, user, entries: int, files: int) -> None:
    from incident_app.models import Evidence, JournalEntry

    moment = incident.discovered_at
    Evidence.objects.bulk_create(
        Evidence(
            incident=incident,
            file=f"evidence/bench/{incident.pk}-{index}",
            original_name=f"capture-{index:04d}-serveur-fichiers.png",
            content_type="image/png",
            size=40_000 + index,
            sha256=f"{incident.pk:032x}{index:032x}",
            description="Capture d'écran de la note de rançon" if index % 3 == 0 else "",
            uploaded_by=user,
            uploaded_at=moment + timedelta(seconds=index),
        )
        for index in range(files)
    )
    # Appended through the model, so that the chain is the one the dossier verifies.
    for index in range(entries - incident.journal.count()):
        JournalEntry.append(
            incident,
            JournalEntry.Kind.NOTE,
            f"Point de situation n° {index + 1} : postes isolés, sauvegardes en cours de "
            "vérification, prestataire joint, experts mobilisés.",
            actor=user,
        )


# --- one measurement, in a process of its own ---------------------------------------------------


def measure(kind: str, pk: int) -> dict:
    setup_django(quiet=True)
    # Imported before the clock starts: a worker has WeasyPrint loaded from its first task.
    import weasyprint  # noqa: F401
    from django.test import Client

    from documents.models import ClaimDossier
    from documents.services import dossier as dossier_service
    from documents.services.rendering import Target, render_pdf
    from incident_app.models import Incident, Organisation, User

    if kind == "baseline":
        client = Client(HTTP_HOST="127.0.0.1")
        client.get("/compte/login/")
        times = []
        for _ in range(20):
            start = time.perf_counter()
            response = client.get("/compte/login/")
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        seconds = statistics.median(times)
    elif kind == "reflex_sheet":
        company = Organisation.objects.get(pk=pk)
        start = time.perf_counter()
        pdf = render_pdf("reflex_sheet", Target(company), lang="fr")
        seconds = time.perf_counter() - start
        assert pdf.startswith(b"%PDF")
    else:
        incident = Incident.objects.get(pk=pk)
        user = User.objects.get(email=EMAIL)
        version = ClaimDossier.objects.filter(incident=incident).count() + 1
        dossier = ClaimDossier.objects.create(incident=incident, version=version, requested_by=user)
        start = time.perf_counter()
        done = dossier_service.render_dossier(dossier.pk)
        seconds = time.perf_counter() - start
        assert done is not None and done.status == "ready", "the rendering failed"
    # ru_maxrss is in kilobytes on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb}


def run_child(kind: str, pk: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(pk)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if output.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, under a minute")
    parser.add_argument("--runs", type=int, default=3, help="renderings of each small paper")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], int(args.measure[1]))))
        return 0

    setup_django()
    data = ensure_data()
    from django.db import connections

    connections.close_all()
    runs = 1 if args.quick else max(1, args.runs)
    started = time.perf_counter()
    baseline = run_child("baseline", 0)
    typical = [run_child("typical", data["typical"]) for _ in range(runs)]
    large = [run_child("large", data["large"]) for _ in range(1 if args.quick else 2)]
    sheet = [run_child("reflex_sheet", data["company"]) for _ in range(runs)]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"run: {time.perf_counter() - started:.1f} s, {runs} run(s) of each small paper; "
        f"load average {load} on {os.cpu_count()} cores (a busy machine slows every figure)"
    )
    print(
        f"baseline sign-in page: {baseline['seconds'] * 1000:.1f} ms (median of 20 in one "
        f"process; its peak memory {baseline['peak_mb']:.0f} MB with Django and WeasyPrint loaded)"
    )
    for name, results in (("typical", typical), ("large", large), ("reflex_sheet", sheet)):
        print(
            f"{name}: "
            + ", ".join(f"{r['seconds']:.2f} s / {r['peak_mb']:.0f} MB" for r in results)
        )
    median = statistics.median
    figures = {
        "typical_render_s": (median(r["seconds"] for r in typical), "s"),
        "large_render_s": (median(r["seconds"] for r in large), "s"),
        "large_peak_mb": (max(r["peak_mb"] for r in large), "MB"),
        "reflex_sheet_s": (median(r["seconds"] for r in sheet), "s"),
    }
    for name, (value, unit) in figures.items():
        print(f"{name}: {value:.2f} {unit} (target: {TARGETS[name]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
