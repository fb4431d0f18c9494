"""Everything a URL of the matrix points at, for the company (own) and another company
(foreign): incidents, a step key, evidence, a ready dossier, a cost with its invoice, a
guarantee, a notification, a calendar token.

A new kind of object is a method named after it returning the URL's kwargs for a side
(``own``, ``foreign`` or ``crossed``: the company's incident with the other's object).
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coverage.models import Cost, Guarantee
from coverage.services.recording import record_cost
from documents.models import ClaimDossier
from incident_app.models import Notification
from incident_app.services import crisis, ical
from incident_app.services.evidence import add_evidence

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Objects:
    def __init__(self, *, incident, other_incident, manager, outsider):
        self.incidents = {"own": incident, "foreign": other_incident}
        self.users = {"own": manager, "foreign": outsider}
        self.evidence = {}
        self.dossiers = {}
        self.costs = {}
        self.guarantees = {}
        self.notifications = {}
        self.tokens = {}
        self.invitations = {}
        for side, inc in self.incidents.items():
            user = self.users[side]
            self.evidence[side] = add_evidence(
                inc, SimpleUploadedFile("journal.txt", b"connexions suspectes"), user=user
            )
            dossier = ClaimDossier.objects.create(
                incident=inc,
                version=1,
                status=ClaimDossier.Status.READY,
                requested_by=user,
                generated_at=timezone.now(),
            )
            dossier.file.save("dossier.pdf", ContentFile(PDF))
            self.dossiers[side] = dossier
            guarantee = inc.policy.guarantees.first() or Guarantee.objects.create(
                policy=inc.policy, kind=Guarantee.Kind.FORENSIC, limit=Decimal("10000")
            )
            self.guarantees[side] = guarantee
            self.costs[side] = record_cost(
                inc,
                user=user,
                guarantee=guarantee,
                supplier="Experts IT",
                incurred_on=timezone.localdate() - timedelta(days=1),
                amount_excl_vat=Decimal("100"),
                amount_incl_vat=Decimal("120"),
                counted=Cost.Counted.EXCL_VAT,
                invoice=SimpleUploadedFile("facture.pdf", PDF, content_type="application/pdf"),
            )
            self.notifications[side] = Notification.objects.create(
                incident=inc, user=user, channel=Notification.Channel.IN_APP, subject="Rappel"
            )
            self.tokens[side] = ical.regenerate(user)
            self.invitations[side] = crisis.invitation_token(
                crisis.invite_member(
                    inc, email=f"new-{side}@example.com", inviter=user, base_url="http://x/"
                )
            )

    def _incident(self, side):
        return self.incidents["own" if side == "crossed" else side]

    def _object(self, objects, side):
        return objects["foreign" if side == "crossed" else side]

    def none(self, side):
        return {}

    def incident(self, side):
        return {"reference": self._incident(side).reference}

    def step(self, side):
        inc = self._incident(side)
        step = inc.steps.filter(applicable=True).order_by("order").first()
        return {"reference": inc.reference, "key": step.key}

    def _with_pk(self, objects, side):
        return {**self.incident(side), "pk": self._object(objects, side).pk}

    def evidence_(self, side):
        return self._with_pk(self.evidence, side)

    def dossier(self, side):
        return self._with_pk(self.dossiers, side)

    def cost(self, side):
        return self._with_pk(self.costs, side)

    def guarantee(self, side):
        return self._with_pk(self.guarantees, side)

    def notification(self, side):
        return {"pk": self.notifications[side].pk}

    def token(self, side):
        return {"token": self.tokens[side]}

    def invitation(self, side):
        return {"token": self.invitations[side]}

    def kwargs(self, kind: str, side: str) -> dict:
        method = getattr(self, kind + "_", None) or getattr(self, kind, None)
        if not callable(method):
            raise LookupError(f"No object of kind {kind!r}: add a method to tests/access/world.py")
        return method(side)
