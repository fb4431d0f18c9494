"""Everything a URL of the matrix points at, for the company (own) and another company
(foreign): incidents, a step key, evidence, a ready dossier, a cost with its invoice, a
guarantee, a notification, a calendar token, a broker's request to the client, an outside
expert's grant, an audit task, an API token, a webhook, a rendered reflex sheet, a
data-breach notification, a roster entry, the company.

A new kind of object is a method named after it returning the URL's kwargs for a side
(``own``, ``foreign`` or ``crossed``: the company's incident with the other's object), and,
when it needs rows, a ``_make_<plural>`` method making one for a side.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.models import ApiToken, WebhookEndpoint
from broker import requests as client_requests
from coverage.models import Cost, Guarantee
from coverage.services.recording import record_cost
from documents.models import ClaimDossier, RenderedDocument
from documents.services.notification import start_notification
from incident_app.models import ExpertAccess, Notification
from incident_app.services import crisis, ical
from incident_app.services.evidence import add_evidence
from insurer.models import AuditTask
from preparedness.models import RosterEntry

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Objects:
    """The incidents and the outside experts' grants at once; every other object when a URL of
    its kind first asks for it (a URL needs one kind: making them all would be most of the
    matrix's time)."""

    def __init__(self, *, incident, other_incident, users):
        self.incidents = {"own": incident, "foreign": other_incident}
        self.users = {"own": users["manager"], "foreign": users["outsider"]}
        self.brokers = {"own": users["broker"], "foreign": users["other_broker"]}
        self.auditors = {"own": users["auditor"], "foreign": users["other_auditor"]}
        self._made = {}
        # Always: an expert reaching what the grant does not cover would be a leak anywhere.
        self.expert_grants = {
            side: self._expert_grant(inc, self.users[side], users.get(f"expert_{side}"))
            for side, inc in self.incidents.items()
        }

    def __getattr__(self, kind):
        """``self.evidence`` and the like: made for both sides on first use."""
        maker = type(self).__dict__.get(f"_make_{kind}")
        if maker is None:
            raise AttributeError(kind)
        if kind not in self._made:
            self._made[kind] = {
                side: maker(self, inc, self.users[side], side)
                for side, inc in self.incidents.items()
            }
        return self._made[kind]

    def _make_evidence(self, inc, user, side):
        return add_evidence(
            inc, SimpleUploadedFile("journal.txt", b"connexions suspectes"), user=user
        )

    def _make_dossiers(self, inc, user, side):
        dossier = ClaimDossier.objects.create(
            incident=inc,
            version=1,
            status=ClaimDossier.Status.READY,
            requested_by=user,
            generated_at=timezone.now(),
        )
        dossier.file.save("dossier.pdf", ContentFile(PDF))
        return dossier

    def _make_guarantees(self, inc, user, side):
        return inc.policy.guarantees.first() or Guarantee.objects.create(
            policy=inc.policy, kind=Guarantee.Kind.FORENSIC, limit=Decimal("10000")
        )

    def _make_costs(self, inc, user, side):
        return record_cost(
            inc,
            user=user,
            guarantee=self.guarantees[side],
            supplier="Experts IT",
            incurred_on=timezone.localdate() - timedelta(days=1),
            amount_excl_vat=Decimal("100"),
            amount_incl_vat=Decimal("120"),
            counted=Cost.Counted.EXCL_VAT,
            invoice=SimpleUploadedFile("facture.pdf", PDF, content_type="application/pdf"),
        )

    def _make_notifications(self, inc, user, side):
        return Notification.objects.create(
            incident=inc, user=user, channel=Notification.Channel.IN_APP, subject="Rappel"
        )

    def _make_tokens(self, inc, user, side):
        return ical.regenerate(user)

    def _make_invitations(self, inc, user, side):
        return crisis.invitation_token(
            crisis.invite_member(
                inc, email=f"new-{side}@example.com", inviter=user, base_url="http://x/"
            )
        )

    def _make_client_requests(self, inc, user, side):
        return client_requests.ask(
            inc,
            user=self.brokers[side],
            item="",
            title="Factures du prestataire",
            details="",
            due_at=timezone.now() + timedelta(days=3),
        )

    def _make_audit_tasks(self, inc, user, side):
        auditor = self.auditors[side]
        task = AuditTask.objects.create(
            kind=AuditTask.Kind.REPORT,
            organisation=auditor.current_memberships[0].organisation,
            requested_by=auditor,
            status=AuditTask.Status.READY,
        )
        task.file.save("rapport.pdf", ContentFile(PDF))
        return task

    def _make_api_tokens(self, inc, user, side):
        broker = self.brokers[side]
        token, _secret = ApiToken.issue(
            organisation=broker.current_memberships[0].organisation,
            name="Logiciel de gestion",
            created_by=broker,
        )
        return token

    def _make_webhooks(self, inc, user, side):
        broker = self.brokers[side]
        return WebhookEndpoint.objects.create(
            organisation=broker.current_memberships[0].organisation,
            url="https://courtier.example/hook",
            secret=WebhookEndpoint.new_secret(),
            events=[WebhookEndpoint.Event.STEP_DONE],
            created_by=broker,
        )

    def _make_documents(self, inc, user, side):
        document = RenderedDocument.objects.create(
            kind=RenderedDocument.Kind.REFLEX_SHEET,
            company=inc.company,
            version=1,
            status=RenderedDocument.Status.READY,
            requested_by=user,
            generated_at=timezone.now(),
        )
        document.file.save("fiche.pdf", ContentFile(PDF))
        return document

    def _make_breach_notifications(self, inc, user, side):
        return start_notification(inc, user)

    def _make_roster(self, inc, user, side):
        return RosterEntry.objects.create(
            company=inc.company, name="Claire Martin", role="Direction"
        )

    @staticmethod
    def _expert_grant(incident, granted_by, expert):
        """An outside expert's current grant on the incident (journal, evidence, dossier)."""
        from tests.conftest import make_user

        now = timezone.now()
        return ExpertAccess.objects.create(
            incident=incident,
            expert=expert or make_user(f"expert-{incident.pk}@cyberlab.example"),
            name="Expert forensic",
            role=ExpertAccess.Role.FORENSIC,
            sees_journal=True,
            sees_evidence=True,
            sees_dossier=True,
            granted_by=granted_by,
            granted_at=now - timedelta(days=1),
            expires_at=now + timedelta(days=5),
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

    def client_request(self, side):
        return self._with_pk(self.client_requests, side)

    def expert_grant(self, side):
        return self._with_pk(self.expert_grants, side)

    def breach_notification(self, side):
        return self._with_pk(self.breach_notifications, side)

    def audit_task(self, side):
        return {"pk": self.audit_tasks[side].pk}

    def api_token(self, side):
        return {"pk": self.api_tokens[side].pk}

    def webhook(self, side):
        return {"pk": self.webhooks[side].pk}

    def document(self, side):
        return {"pk": self.documents[side].pk}

    def company(self, side):
        return {"pk": self.incidents[side].company_id}

    def preparedness_part(self, side):
        return {"part": "roster"}

    def roster_entry(self, side):
        return {"part": "roster", "pk": self.roster[side].pk}

    def kwargs(self, kind: str, side: str) -> dict:
        method = getattr(self, kind + "_", None) or getattr(self, kind, None)
        if not callable(method):
            raise LookupError(f"No object of kind {kind!r}: add a method to tests/access/world.py")
        return method(side)
