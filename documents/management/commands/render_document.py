"""Render one paper to a PDF file, synchronously, without the worker.

    python manage.py render_document KIND TARGET --out FILE.pdf [--lang fr|en]

KIND is ``dossier``, ``notification`` or ``complaint`` (TARGET an incident reference), or
``reflex-sheet`` (TARGET a company's registration number or id).  Nothing is stored or
journaled: the file is written where ``--out`` says.  A paper whose data is incomplete still
renders and lists what is missing.  Bad input exits non-zero with a one-line message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation

from documents.models import ClaimDossier, DataBreachNotification
from documents.services import dossier as dossier_service
from documents.services import inventory, rendering
from documents.services.rendering import Target
from incident_app.models import Incident, Organisation, User

KINDS = {
    "dossier": None,
    "notification": "notification",
    "complaint": "complaint",
    "reflex-sheet": "reflex_sheet",
}


class Command(BaseCommand):
    help = "Render a claim dossier, notification, complaint letter or reflex sheet to a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help=f"one of {', '.join(KINDS)}")
        parser.add_argument(
            "target", help="an incident reference, or for reflex-sheet a company's SIREN/RCS or id"
        )
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--lang", default="fr", help="fr (default) or en")

    def handle(self, *args, **options) -> None:
        kind = options["kind"]
        if kind not in KINDS:
            raise CommandError(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
        lang = options["lang"]
        if lang not in rendering.LANGUAGES:
            raise CommandError(f"unknown language {lang!r} (expected fr or en)")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"--out: no folder {str(out.parent)!r}")
        now = timezone.now()
        if kind == "reflex-sheet":
            pdf = rendering.render_pdf(
                "reflex_sheet", Target(self._company(options["target"])), lang=lang, now=now
            )
        else:
            incident = self._incident(options["target"])
            if kind == "dossier":
                pdf = self._dossier(incident, lang, now)
            elif kind == "notification":
                pdf = rendering.render_pdf(
                    "notification",
                    Target(incident.company, incident, self._notification(incident)),
                    lang=lang,
                    now=now,
                )
            else:
                pdf = rendering.render_pdf(
                    "complaint", Target(incident.company, incident), lang=lang, now=now
                )
        out.write_bytes(pdf)
        self.stdout.write(f"{out} {len(pdf)} bytes SHA-256 {hashlib.sha256(pdf).hexdigest()}")

    @staticmethod
    def _incident(reference: str) -> Incident:
        incident = (
            Incident.objects.select_related("company", "policy").filter(reference=reference).first()
        )
        if incident is None:
            raise CommandError(f"no incident {reference!r}")
        return incident

    @staticmethod
    def _company(target: str) -> Organisation:
        companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
        compact = "".join(target.split())
        found = [
            company
            for company in companies.exclude(registration_number="")
            if "".join(company.registration_number.split()) == compact
        ]
        if not found and target.isdigit():
            found = list(companies.filter(pk=int(target)))
        if len(found) != 1:
            raise CommandError(
                f"no company with registration number or id {target!r}"
                if not found
                else f"several companies with registration number {target!r}: give the id"
            )
        return found[0]

    @staticmethod
    def _notification(incident: Incident) -> DataBreachNotification:
        latest = incident.data_breach_notifications.order_by("-created_at", "-pk").first()
        # None prepared yet: an empty one, which renders with everything it lacks.
        return latest or DataBreachNotification(
            incident=incident, contact=incident.company.dpo_contact
        )

    @staticmethod
    def _dossier(incident: Incident, lang: str, now) -> bytes:
        last = ClaimDossier.objects.filter(incident=incident).aggregate(v=Max("version"))["v"]
        # Not saved: the command's dossier is a preview, not a version of the record.
        dossier = ClaimDossier(
            incident=incident, version=(last or 0) + 1, requested_by=User(email="manage.py")
        )
        with translation.override(lang), timezone.override(incident.company.zone):
            context = dossier_service.dossier_context(dossier, now=now, lang=lang)
            html = render_to_string(dossier_service.TEMPLATE, context)
            return dossier_service.write_pdf(html, attachments=(inventory.attachment(incident),))
