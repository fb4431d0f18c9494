"""The access matrix: every URL of the site × every role × own and foreign objects.

How to classify a URL
---------------------
Each package's URLs are listed in a table of its own in this folder, ``urls_<package>.py``,
one line per URL name::

    URLS = [
        #   name                 object        GET may           POST may
        Url("evidence_download", "evidence",   get=READERS,      post=READERS),
        Url("evidence_withdraw", "evidence",   get=READERS,      post=ACTORS),
        Url("calendar_feed",     "token",      get=ANYONE,       post=NOT_ALLOWED, login=False),
    ]

- ``name``: the URL's name as ``reverse()`` knows it.
- ``object``: what the URL's arguments point at, one of the kinds of ``world.Objects.KINDS``
  (``none``, ``incident``, ``step``, ``evidence``, ``dossier``, ``cost``, ``guarantee``,
  ``notification``, ``token``, ``reset``, ``invitation``...). A new kind is a method of
  ``tests/access/world.py`` returning the URL's kwargs for the own and the foreign side.
- ``get`` / ``post``: the roles that reach the page, as seen from the *own* object (the
  incident of the company "Menuiserie Lefèvre"). The role sets are below (``READERS``,
  ``ACTORS``...); ``ANYONE`` includes the anonymous visitor; ``NOT_ALLOWED`` answers 405
  (to the anonymous visitor too, or the sign-in page, as the view checks first).
- ``login=False`` for pages an anonymous visitor may open (sign-in, password reset...);
  otherwise the anonymous visitor must be sent to the sign-in page.
- ``denied``: what a role outside the set gets, 404 by default (an incident one may not see
  does not exist), or a path the role is redirected to (``ADMIN_LOGIN`` for the admin).
- ``reached="answered"``: the roles of the set get the view's own answer, whatever it is,
  but not a sign-in page (for the admin, whose permissions are its own business).
- ``method_checked_for``: for a view that finds its object before it checks the method, the
  roles that get the 405 (those who see the object); the others get ``denied``.
- ``overrides``: the odd exception, by (method, role), e.g. ``{("get", "staff"): 405}``.

The test then requests every URL as every role (``ROLES``), for each side the object has
(``own``: the company's, ``foreign``: another company's, ``crossed``: the company's incident
with the primary key of another incident's object), with GET and POST, with and without
``HX-Request`` (``htmx_cases``: GET on the own object only; what one may see does not hang on
the header, and it keeps the matrix fast), and checks that a role inside the set
reaches the page (no 403, 404 or 405, no redirect to sign in or to the second factor), that a
role outside it is refused as ``denied`` says, and that the anonymous visitor is sent to sign
in. A URL of the URLconf missing from every table fails ``test_it_classifies_every_url``.

Seen from the foreign object, the other company's people take the roles of the company's:
its manager (``outsider``) acts as ``manager``, its broker as ``broker``, its insurer's
auditor as ``auditor``; the company's own people are strangers there.

A new role (an outside expert, say) is a line in ``ROLES`` and a user in ``world.py``; then
add it to the role sets it belongs to.
"""

from dataclasses import dataclass, field

# Roles, by the name the test signs in as. The second value is the role the same user plays
# on the *foreign* object ("stranger": none).
ROLES = {
    "manager": "stranger",
    "member": "stranger",
    "outsider": "manager",  # a manager of another company, with its own broker and insurer
    "broker": "stranger",
    "other_broker": "broker",
    "auditor": "stranger",
    "other_auditor": "auditor",
    "staff": "staff",  # platform staff, without an access grant
    "staff_granted": "staff",  # platform staff with a live access grant to the own incident
    "expert": "stranger",  # an outside expert with a current grant on the own incident
    "anonymous": "anonymous",
}

STAFF = frozenset({"staff", "staff_granted"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
ANYONE = frozenset(ROLES) | {"stranger"}
NOBODY = frozenset()
MANAGERS = frozenset({"manager"})
MEMBERS = frozenset({"member"})
ACTORS = frozenset({"manager", "member"})  # complete steps, upload evidence
ANNOTATORS = ACTORS | {"broker"}  # journal notes, costs, dossiers
READERS = ANNOTATORS | {"auditor", "staff_granted"}  # see the incident
COMPANY_PEOPLE = frozenset({"manager", "member", "outsider"})
BROKERS = frozenset({"broker"})  # of the brokerage that placed the incident's policy
AUDITORS = frozenset({"auditor"})  # of the policy's insurer
# Pages without an object that are a broker's or an insurer's whatever the organisation.
ANY_BROKER = frozenset({"broker", "other_broker"})
ANY_AUDITOR = frozenset({"auditor", "other_auditor"})
EXPERT_READERS = READERS | {"expert"}  # the expert's pages, read by the company's side too
NOT_ALLOWED = "405"

NOT_FOUND = 404
ADMIN_LOGIN = "/admin/login/"

# Sides of an object: the company's own, another company's, and the company's incident with
# the primary key of another incident's object.
SIDES_BY_KIND = {
    "none": ("-",),
    "incident": ("own", "foreign"),
    "step": ("own", "foreign"),
    "notification": ("own", "foreign"),
    "token": ("own", "foreign"),
    "invitation": ("own", "foreign"),
    "part": ("-",),
    "sms": ("-",),
    "audit_task": ("own", "foreign"),
    "api_token": ("own", "foreign"),
    "webhook": ("own", "foreign"),
    "document": ("own", "foreign"),
    "company": ("own", "foreign"),
    "roster_entry": ("own", "foreign"),
}
PK_SIDES = ("own", "foreign", "crossed")


@dataclass(frozen=True)
class Url:
    name: str
    object: str = "none"
    get: frozenset | str = NOBODY
    post: frozenset | str = NOBODY
    login: bool = True
    denied: int | str = NOT_FOUND
    # What a role of the set gets: "reach" (no 403/404/405, no sign-in), or "answered" (the
    # view's own answer, whatever it is, as long as it is not a sign-in page: the admin
    # refuses edits of read-only records and sends a missing object's page to its index).
    reached: str = "reach"
    # Exceptions to the rule, by (method, role): e.g. {("get", "staff"): 405}.
    overrides: dict = field(default_factory=dict)
    # A view that finds its object before it looks at the method answers 405 only to those
    # who may see the object (these roles), ``denied`` to the others.
    method_checked_for: frozenset | None = None

    @property
    def sides(self):
        return SIDES_BY_KIND.get(self.object, PK_SIDES)


def effective_role(role: str, side: str) -> str:
    """The role a user plays towards the object of this side."""
    if side == "-":
        return role
    if side == "foreign":
        return ROLES[role]
    if side == "crossed":
        # The company's incident with another incident's object: nobody's.
        return role if role in ("anonymous", "staff") else "stranger"
    if role in ("outsider", "other_broker", "other_auditor"):
        return "stranger"
    return role


def expected(url: Url, role: str, side: str, method: str):
    """``"reach"``, ``"login"``, ``405`` or the denial (404, ``ADMIN_LOGIN``)."""
    if (method, role) in url.overrides:
        return url.overrides[(method, role)]
    allowed = url.get if method == "get" else url.post
    if allowed == NOT_ALLOWED and role == "anonymous":
        # A 405 before the sign-in page, or the sign-in page first: neither tells anything.
        return 405
    if role == "anonymous" and url.login:
        # Sent to sign in; the admin sends to its own sign-in page.
        return url.denied if isinstance(url.denied, str) else "login"
    if allowed == NOT_ALLOWED:
        hidden = url.method_checked_for is not None
        # The method is checked once the incident is found: the crossed object's incident is
        # the company's own.
        seen_from = "own" if side == "crossed" else side
        if hidden and effective_role(role, seen_from) not in url.method_checked_for:
            return url.denied
        return 405
    if effective_role(role, side) in allowed:
        return url.reached
    return url.denied


def htmx_cases(url: Url, side: str, method: str) -> tuple:
    """With and without HX-Request for GET on the own object and pages without one; without it
    only for POST, on the foreign and crossed objects (what one may see does not hang on the
    header) and on the admin's pages (one gate for all, which the header does not change)."""
    if url.reached == "answered" or side not in ("own", "-") or method == "post":
        return (False,)
    return (False, True)


# The admin's own pages (``reached="answered"``) all pass the same gate: staff, the anonymous
# visitor, and a company's and a brokerage's people stand for every other role there.
ADMIN_SAMPLE = ("manager", "broker", "staff", "anonymous")


def roles_for(url: Url):
    """Every role; on the admin's own pages, the sample above."""
    if url.reached == "answered":
        return [role for role in ROLES if role in ADMIN_SAMPLE]
    return list(ROLES)


def case_count(urls) -> int:
    """URL × role × object side × method × HX-Request, as the test requests them."""
    return sum(
        len(roles_for(url))
        * sum(
            len(htmx_cases(url, side, method)) for side in url.sides for method in ("get", "post")
        )
        for url in urls
    )
