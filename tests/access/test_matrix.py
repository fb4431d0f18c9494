"""The access matrix over the URLconf: how to classify a URL is told in matrix.py."""

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import make_user

from . import matrix
from .world import Objects

pytestmark = pytest.mark.django_db

TABLES = [
    importlib.import_module(f"tests.access.{module.name}")
    for module in pkgutil.iter_modules([str(__import__("pathlib").Path(__file__).parent)])
    if module.name.startswith("urls_")
]
URLS = {url.name: url for table in TABLES for url in table.URLS}
PREFIXES = {
    prefix: url for table in TABLES for prefix, url in getattr(table, "PREFIXES", {}).items()
}


def url_patterns(resolver=None, namespace="", prefix=""):
    """(name, route, pattern) of every URL of the site; unnamed ones by their route."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route, pattern


def classify(name):
    if name in URLS:
        return URLS[name]
    for prefix, url in PREFIXES.items():
        if name.startswith(prefix):
            return url
    return None


SITE = {name: (route, pattern) for name, route, pattern in url_patterns()}


def test_it_classifies_every_url():
    unclassified = sorted(name for name in SITE if classify(name) is None)
    assert not unclassified, (
        "URLs missing from the access matrix (add a line to tests/access/urls_<package>.py): "
        + ", ".join(unclassified)
    )
    stale = sorted(name for name in URLS if name not in SITE)
    assert not stale, "Lines of the access matrix for URLs that no longer exist: " + ", ".join(
        stale
    )


def admin_kwargs(pattern) -> dict:
    fill = {
        "app_label": "incident_app",
        "object_id": "1",
        "content_type_id": 1,
        "id": 1,
        "pk": 1,
    }
    if pattern.name and "totpdevice" in pattern.name:
        # django-otp's own admin pages look the device up and do not expect a missing one:
        # the staff member's own device, whatever primary key the database gave it.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        fill["pk"] = TOTPDevice.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    return {name: fill[name] for name in pattern.pattern.regex.groupindex}


# A password-reset link that is not one: the page must say so, to anyone.
# A preparedness part; an SMS status report whose signature is forged.
NO_OBJECT_KWARGS = {
    "none": {},
    "reset": {"uidb64": "MQ", "token": "bad-token"},
    "part": {"part": "roster"},
    "sms": {"token": "1:forged"},
}


def path_of(name, url, side, objects):
    route, pattern = SITE[name]
    if pattern.name is None:
        # Unnamed (the admin's): the route itself, with an object id, or any other path.
        if "(?P<url>" in route:
            return "/admin/no-such-page/"
        return "/" + route.replace("<path:object_id>", "1")
    if name.startswith("admin:"):
        return reverse(name, kwargs=admin_kwargs(pattern))
    if objects is None:
        return reverse(name, kwargs=NO_OBJECT_KWARGS[url.object])
    return reverse(name, kwargs=objects.kwargs(url.object, side))


SECOND_FACTOR_PAGES = ("/compte/double-authentification/",)


def outcome_of(response, path: str = "") -> str | int:
    """What a response says about access: "login", a redirect path, 403/404/405, or reach."""
    location = response.get("Location", "")
    sent_to = location or response.get("HX-Redirect", "")
    if sent_to.startswith(SECOND_FACTOR_PAGES) and not path.startswith(SECOND_FACTOR_PAGES):
        # Brokers, auditors and staff are signed in with their second factor: being sent to
        # give it would hide what the page answers them.
        return "second factor"
    if response.status_code == 401:
        # The API's answer to a request without a session or a token.
        return "login"
    if response.status_code in (301, 302, 303) and "next=" in location:
        return matrix.ADMIN_LOGIN if location.startswith(matrix.ADMIN_LOGIN) else "login"
    if response.status_code in (403, 404, 405):
        return response.status_code
    if response.status_code in (301, 302, 303) and location.split("?")[0] == "/admin/":
        return "/admin/"
    return "reach"


@pytest.fixture
def world(
    request, manager, member, outsider, broker, other_broker, auditor, other_auditor, staff
):  # fmt: skip
    """Every role's user, and ``incidents()``: the incidents, the staff grant and a maker of
    every object a URL may need (the admin's pages need none of them)."""
    users = {
        "manager": manager,
        "member": member,
        "outsider": outsider,
        "broker": broker,
        "other_broker": other_broker,
        "auditor": auditor,
        "other_auditor": other_auditor,
        "staff": staff,
        "staff_granted": make_user(
            "staff-granted@riposte.example", is_staff=True, is_superuser=True
        ),
        "expert": make_user("expert@cyberlab.example", first_name="Expert"),
        "anonymous": None,
    }

    def incidents():
        incident = request.getfixturevalue("incident")
        other_incident = request.getfixturevalue("other_incident")
        request.getfixturevalue("grant_staff_access")(users["staff_granted"], incident)

        def objects():
            return Objects(
                incident=incident,
                other_incident=other_incident,
                users={**users, "expert_own": users["expert"]},
            )

        return objects

    return users, incidents


@pytest.fixture
def grant_staff_access():
    from incident_app.services.staff_access import open_access

    def grant(user, incident):
        open_access(incident, user=user, reason="Support demandé par l'entreprise")

    return grant


def names_to_request():
    for name in sorted(SITE):
        url = classify(name)
        if url is not None:
            yield name


@pytest.mark.parametrize("name", list(names_to_request()))
def test_it_answers_each_role_as_the_matrix_says(name, world, client, client_for):
    users, incidents = world
    url = classify(name)
    make_objects = incidents() if url.reached != "answered" else None
    # The admin's pages and the pages without an object need none made.
    objects = make_objects() if url.object not in NO_OBJECT_KWARGS else None
    wrong = []
    for side in url.sides:
        for role, user in users.items():
            if role not in matrix.roles_for(url):
                continue
            for method in ("get", "post"):
                want = matrix.expected(url, role, side, method)
                path = path_of(name, url, side, objects)
                for htmx in matrix.htmx_cases(url, side, method):
                    http = client_for(user) if user is not None else client
                    if user is None:
                        client.logout()
                    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                    # Each request in a transaction rolled back after it: a member leaving the
                    # cell or a sign-out changes nothing for the next case.
                    with transaction.atomic():
                        response = getattr(http, method)(path, **headers)
                        transaction.set_rollback(True)
                    got = outcome_of(response, path)
                    if want == "answered" and got not in ("login", matrix.ADMIN_LOGIN):
                        continue
                    if want == 405 and role == "anonymous" and got == "login":
                        continue
                    if want == "reach" and got == "/admin/":
                        # Staff land on the admin (home, admin sign-in when signed in).
                        continue
                    if got != want:
                        wrong.append(
                            f"{method.upper()} {path} as {role} ({side}"
                            f"{', htmx' if htmx else ''}): {got} ({response.status_code}), "
                            f"expected {want}"
                        )
    assert not wrong, "\n".join(wrong)


def test_it_counts_the_cases():
    """URL × role × object side × method × HX-Request, as the closing note reports."""
    urls = [classify(name) for name in SITE]
    count = matrix.case_count(urls)
    print(f"access matrix: {len(urls)} URLs, {count} cases")
    # Every URL as every role (a sample on the admin's), with GET and POST at least.
    assert count >= len(SITE) * len(matrix.ADMIN_SAMPLE) * 2
