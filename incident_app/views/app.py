"""The installable phone app: its manifest, its service worker, and the reflex card it keeps
for when the network is down."""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..services import reflex_card

# What the app needs to draw a page with no network at all.
PRECACHED_STATIC = (
    "css/riposte.css",
    "js/riposte.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    data = {
        "name": "Riposte",
        "short_name": "Riposte",
        "description": _("Le guide des premières heures d'une cyberattaque."),
        "lang": (get_language() or settings.LANGUAGE_CODE)[:2],
        "id": "/",
        "start_url": reverse("home") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f3f5f9",
        "theme_color": "#14213d",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {"name": _("Carte réflexe"), "url": reverse("reflex_card")},
            {"name": _("Déclarer une attaque"), "url": reverse("incident_declare")},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """``static/js/sw.js``, served at the root so that it may look after every page.

    The first line names the files to keep (their addresses change with their content in
    production) and the card's address; the version follows them, so a new deployment
    installs a new worker.
    """
    path = finders.find("js/sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as source:
        code = source.read()
    config = {
        "precache": [static(name) for name in PRECACHED_STATIC],
        "card": reverse("reflex_card"),
        "static": settings.STATIC_URL,
        "login": reverse("login"),
    }
    config["version"] = hashlib.sha256((json.dumps(config) + code).encode()).hexdigest()[:12]
    body = f"self.RIPOSTE = {json.dumps(config)};\n{code}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_required
@require_GET
def reflex_card_page(request):
    """The company's reflex card and the open incidents' deadlines, as of now: the app keeps
    the last copy and shows it offline."""
    language = (get_language() or "fr")[:2]
    cards = reflex_card.company_cards(request.user, language)
    zone = cards[0].company.timezone if cards else settings.TIME_ZONE
    response = render(
        request,
        "incident_app/app/reflex_card.html",
        {
            "cards": cards,
            "incidents": reflex_card.open_incidents(request.user, language),
            "zone": zone,
            "updated_at": timezone.now(),
        },
    )
    # Never kept by a shared cache: it names people and their phones.
    response["Cache-Control"] = "private, no-cache"
    return response
