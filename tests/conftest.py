"""Shared fixtures: two companies with their people, a broker, an insurer, and outsiders."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coverage.models import Guarantee, Policy
from incident_app.models import Membership, Organisation, User
from tests.environment import GROUPS

PASSWORD = "correct-horse-battery-staple"

# Fixtures of the papers tests: the claim dossier (private storage, its task, a full
# incident) and the other papers (a prepared company, hostile text, their task).
pytest_plugins = ["tests.documents.dossier_fixtures", "tests.documents.paper_fixtures"]


def pytest_report_header(config):
    """Say at the start which optional groups of tests will be skipped, and why."""
    return [
        f"{name}: skipped, {reason}" if (reason := why()) else f"{name}: run"
        for _, name, why in GROUPS
    ]


def pytest_terminal_summary(terminalreporter):
    """Say again at the end, with a count, so that a skipped group is never missed."""
    skipped = [report.nodeid for report in terminalreporter.stats.get("skipped", [])]
    for folder, name, why in GROUPS:
        count = sum(nodeid.startswith(folder) for nodeid in skipped)
        if count and (reason := why()):
            terminalreporter.write_line(
                f"{name.capitalize()} SKIPPED ({count}): {reason}.", yellow=True, bold=True
            )


def make_user(email, org=None, role=None, **extra):
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no fragment in this process's memory: primary keys and journal
    heads recur from one test to the next. The shared cache is the test's own already
    (``own_cache``): it is not flushed, since the Celery broker of the integration tests
    shares its Redis database."""
    from incident_app import fragments

    fragments.LOCAL.clear()
    yield
    fragments.LOCAL.clear()


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Evidence and dossiers go to a folder of the test's own, never to var/private."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    return location


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A cache of the test's own: another test's user or incident with the same primary key
    (databases reuse them from one run to the next) finds nothing of it. The cache stays the
    configured one, Redis in CI, whose database the Celery broker shares: it is not flushed."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture
def insurer(db):
    return Organisation.objects.create(name="Horizon Assurances", kind="insurer", country="FR")


@pytest.fixture
def broker_org(db):
    return Organisation.objects.create(name="Durand Courtage", kind="broker", country="FR")


@pytest.fixture
def company(db):
    return Organisation.objects.create(
        name="Menuiserie Lefèvre", kind="company", country="FR", timezone="Europe/Paris"
    )


@pytest.fixture
def other_company(db):
    return Organisation.objects.create(
        name="Cabinet du Kirchberg", kind="company", country="LU", timezone="Europe/Luxembourg"
    )


@pytest.fixture
def other_broker_org(db):
    return Organisation.objects.create(name="Autre Courtage", kind="broker", country="FR")


@pytest.fixture
def other_insurer(db):
    return Organisation.objects.create(name="Autre Assureur", kind="insurer", country="FR")


@pytest.fixture
def policy(company, broker_org, insurer):
    policy = Policy.objects.create(
        company=company,
        broker=broker_org,
        insurer=insurer,
        number="HZ-1",
        starts_on=date(2026, 1, 1),
        jurisdiction="FR",
        hotline="+33 1 80 40 12 34",
        claim_declaration_days=5,
        overall_limit=Decimal("500000"),
    )
    for kind in (Guarantee.Kind.ASSISTANCE, Guarantee.Kind.FORENSIC, Guarantee.Kind.RESTORATION):
        Guarantee.objects.create(policy=policy, kind=kind, limit=Decimal("50000"))
    return policy


@pytest.fixture
def other_policy(other_company, other_broker_org, other_insurer):
    return Policy.objects.create(
        company=other_company,
        broker=other_broker_org,
        insurer=other_insurer,
        number="AA-9",
        starts_on=date(2026, 1, 1),
        jurisdiction="LU",
        hotline="+352 4761-4444",
    )


@pytest.fixture
def manager(company):
    return make_user("manager@lefevre.example", company, "manager", first_name="Claire")


@pytest.fixture
def member(company):
    return make_user("member@lefevre.example", company, "member", first_name="Karim")


@pytest.fixture
def broker(broker_org):
    return make_user("broker@durand.example", broker_org, "broker")


@pytest.fixture
def auditor(insurer):
    return make_user("auditor@horizon.example", insurer, "auditor")


@pytest.fixture
def outsider(other_company):
    """A manager of another company, insured elsewhere."""
    return make_user("outsider@kirchberg.example", other_company, "manager")


@pytest.fixture
def other_broker(other_broker_org):
    return make_user("broker@autre.example", other_broker_org, "broker")


@pytest.fixture
def other_auditor(other_insurer):
    return make_user("auditor@autre.example", other_insurer, "auditor")


@pytest.fixture
def staff(db):
    return make_user("staff@riposte.example", is_staff=True, is_superuser=True)


@pytest.fixture
def incident(company, policy, manager):
    from incident_app.services.incidents import open_incident

    return open_incident(
        company=company,
        policy=policy,
        kinds=["ransomware"],
        discovered_at=timezone.now() - timedelta(hours=2),
        personal_data="unknown",
        declared_by=manager,
    )


@pytest.fixture
def other_incident(other_company, other_policy, outsider):
    from incident_app.services.incidents import open_incident

    return open_incident(
        company=other_company,
        policy=other_policy,
        kinds=["phishing"],
        discovered_at=timezone.now() - timedelta(hours=1),
        personal_data="no",
        declared_by=outsider,
    )


def second_factor(user):
    """The authenticator app of an account that needs one (brokers, auditors, staff), created
    once and confirmed; None for an account that signs in with its password alone."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor

    if not two_factor.needs_two_factor(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def current_code(device) -> str:
    """The code the app shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def client_for(client):
    """Sign a user in on the test client: ``client_for(manager).get(...)``.

    An account that needs a second factor is signed in with it, as after the code page.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    def sign_in(user):
        client.force_login(user)
        if (device := second_factor(user)) is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return sign_in


@pytest.fixture
def granted_staff(staff, incident):
    """Platform staff who opened the company's incident, with a reason, for a while."""
    from incident_app.services.staff_access import open_access

    open_access(incident, user=staff, reason="Support demandé par l'entreprise")
    return staff
