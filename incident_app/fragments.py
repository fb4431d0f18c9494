"""Rendered parts of the incident page, cached until the incident changes.

Most of the incident page (the step list, the step's guidance and forms, the evidence, the
journal, the conditions of the cover) changes only when something happens on the incident,
and everything that happens on it is written to its journal, which moves the journal head
(``Incident.journal_head_seq``/``journal_head_hash``). A fragment is therefore cached under a
key made of, in this one place:

- its name and the incident: primary key, journal head, ``updated_at`` (facts saved without
  an entry) and the company's time zone (dates are shown in it);
- who reads it: ``viewer``, the access rights the page computed (act, manage, annotate);
  people with the same rights see the same fragment;
- the language of the page;
- what the template names after the fragment's name (``{% incident_fragment "steps" current.pk
  steps_signature %}``): the current step, the steps' urgency (which moves with the clock, not
  with the journal), whether the fragment is swapped out of band...

Never in a cached fragment: the CSRF token (each session has its own: the fragment is stored
with a placeholder and the reader's token is put in on the way out), the current time (the
countdowns are rendered outside the cached parts and ticked by the browser), messages to
this reader alone (a view that shows a message or a form with errors sets
``fragment_cache = False`` and the page is rendered afresh). A change that is not journaled
(a policy edited in the administration) shows once the entry expires (``TIMEOUT``).

To cache a new fragment: wrap it in ``{% incident_fragment "name" vary… %}…
{% end_incident_fragment %}`` (``{% load incident_fragments %}``), naming in ``vary`` whatever it
shows that the key above does not cover.
"""

import hashlib

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import get_language

# Bump when what the fragments show changes in a way their keys do not (a deployment with new
# templates must not serve the old HTML from a shared cache).
VERSION = 1
TIMEOUT = 10 * 60
# Stands for the reader's CSRF token in the stored HTML.
CSRF_PLACEHOLDER = "__incident_fragment_csrf_token__"
# A key names one version of a fragment, never changed in place: each process keeps the
# fragments it used last in its own memory, in front of the shared cache, and saves the
# shared cache's round trip on a hit (about a third of a cached page's CPU).
LOCAL = LocMemCache("incident-fragments", {"TIMEOUT": TIMEOUT, "OPTIONS": {"MAX_ENTRIES": 2000}})


def viewer(*rights) -> str:
    """What sets one reader's fragments apart from another's: their rights on the incident."""
    return "".join("1" if right else "0" for right in rights)


def key(name: str, incident, viewer: str, vary=()) -> str:
    parts = (
        name,
        incident.pk,
        incident.journal_head_seq,
        incident.journal_head_hash,
        incident.updated_at.isoformat() if incident.updated_at else "",
        incident.company.timezone,
        viewer,
        get_language() or "",
        *vary,
    )
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=20).hexdigest()
    return f"incident-fragment:{VERSION}:{name}:{incident.pk}:{digest}"


def render(name: str, incident, viewer: str, vary, produce, csrf_token) -> str:
    """The fragment from the cache, or from ``produce(placeholder)`` stored for next time;
    ``csrf_token`` (lazy, as the template context gives it) is put in where it appears."""
    fragment_key = key(name, incident, viewer, vary)
    html = LOCAL.get(fragment_key)
    if html is None:
        html = cache.get(fragment_key)
        if html is None:
            html = produce(CSRF_PLACEHOLDER)
            cache.set(fragment_key, html, TIMEOUT)
        LOCAL.set(fragment_key, html, TIMEOUT)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, str(csrf_token))
    return html
