"""Upgrading keeps every row: a database at the schema of the release before the packages
were restacked, with a company's incident in it, migrates to today's schema and finds it all."""

from datetime import date, timedelta

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The last migrations of the release whose incident package still held the claim dossiers.
RELEASE = {
    "incident_app": "0010_evidence_withdrawn_by_label",
    "coverage": "0004_cost_withdrawal",
}
OUR_APPS = (
    "incident_app",
    "coverage",
    "documents",
    "preparedness",
    "broker",
    "insurer",
    "api",
    "accounts",
    "core",
    "riposte",
)


def _targets(executor):
    """The release's nodes, and every package born since taken back to before its first."""
    graph = executor.loader.graph
    targets = list(RELEASE.items())
    born_since = {app for app, _ in graph.leaf_nodes() if app in OUR_APPS and app not in RELEASE}
    return targets + [(app, None) for app in sorted(born_since)]


def _seed_release(apps):
    """A company with its manager, broker and insurer, a policy, a declared incident with a
    step, its journal, a piece of evidence, a cost and a rendered claim dossier."""
    Organisation = apps.get_model("incident_app", "Organisation")
    User = apps.get_model("incident_app", "User")
    now = timezone.now()
    company = Organisation.objects.create(name="Menuiserie Lefèvre", kind="company")
    broker = Organisation.objects.create(name="Durand Courtage", kind="broker")
    insurer = Organisation.objects.create(name="Horizon Assurances", kind="insurer")
    manager = User.objects.create(email="dirigeant@example.test", password="!")
    apps.get_model("incident_app", "Membership").objects.create(
        user=manager, organisation=company, role="manager"
    )
    policy = apps.get_model("coverage", "Policy").objects.create(
        company=company,
        broker=broker,
        insurer=insurer,
        number="CY-1",
        starts_on=date(2026, 1, 1),
        hotline="+33100000000",
    )
    guarantee = apps.get_model("coverage", "Guarantee").objects.create(
        policy=policy, kind="forensic"
    )
    incident = apps.get_model("incident_app", "Incident").objects.create(
        company=company, policy=policy, discovered_at=now, reference="RIP-2026-00042"
    )
    step = apps.get_model("incident_app", "Step").objects.create(
        incident=incident, key="complaint", order=50, due_at=now + timedelta(hours=72)
    )
    apps.get_model("incident_app", "Reminder").objects.create(
        step=step, offset_minutes=60, fire_at=step.due_at - timedelta(hours=1)
    )
    apps.get_model("incident_app", "JournalEntry").objects.create(
        incident=incident,
        seq=1,
        created_at=now,
        kind="declared",
        text="Incident déclaré",
        prev_hash="0" * 64,
        hash="a" * 64,
    )
    evidence = apps.get_model("incident_app", "Evidence").objects.create(
        incident=incident,
        file="evidence/note.txt",
        original_name="note.txt",
        content_type="text/plain",
        size=4,
        sha256="b" * 64,
        uploaded_by=manager,
    )
    apps.get_model("coverage", "Cost").objects.create(
        incident=incident,
        guarantee=guarantee,
        supplier="Forensix",
        incurred_on=date(2026, 3, 2),
        amount_excl_vat=1000,
        amount_incl_vat=1200,
        recorded_by=manager,
        invoice=evidence,
    )
    apps.get_model("incident_app", "ClaimDossier").objects.create(
        incident=incident,
        version=1,
        requested_by=manager,
        status="ready",
        file="dossiers/RIP-2026-00042-v1.pdf",
        sha256="c" * 64,
    )
    return incident.pk


def _row_counts():
    with connection.cursor() as cursor:
        tables = [
            table
            for table in connection.introspection.table_names(cursor)
            if table.startswith(("incident_app_", "coverage_"))
        ]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_it_finds_every_row_of_the_release_after_migrating():
    executor = MigrationExecutor(connection)
    release = _targets(executor)
    executor.migrate(release)
    release_nodes = [(app, name) for app, name in release if name is not None]
    incident_pk = _seed_release(executor.loader.project_state(release_nodes).apps)
    before = _row_counts()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    after = _row_counts()
    assert {table: after.get(table) for table in before} == before
    assert before["incident_app_claimdossier"] == 1
    ClaimDossier = current_apps.get_model("documents", "ClaimDossier")
    dossier = ClaimDossier.objects.get()
    assert dossier.incident_id == incident_pk
    assert dossier.incident.reference == "RIP-2026-00042"
    assert dossier.sha256 == "c" * 64
    Cost = current_apps.get_model("coverage", "Cost")
    assert Cost.objects.get().invoice.sha256 == "b" * 64


@pytest.mark.django_db(transaction=True)
def test_it_moves_the_dossiers_content_type_with_its_permissions():
    ContentType = current_apps.get_model("contenttypes", "ContentType")
    executor = MigrationExecutor(connection)
    release = _targets(executor)
    executor.migrate(release)
    # The release's content type, as its post-migrate signal had created it.
    ContentType.objects.filter(model="claimdossier").delete()
    old = ContentType.objects.create(app_label="incident_app", model="claimdossier")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = ContentType.objects.get(pk=old.pk)
    assert moved.app_label == "documents"
    assert not ContentType.objects.filter(app_label="incident_app", model="claimdossier").exists()
