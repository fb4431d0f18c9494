"""Demo data: an insurer, a broker, a French company, a Luxembourg medical practice.

Running it again changes nothing that exists: it is safe to call at every start.
"""

import base64
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from coverage.models import Guarantee, Policy
from incident_app.models import Incident, Membership, Organisation, Step, User
from incident_app.services.incidents import open_incident

DEMO_PASSWORD = "riposte-demo-2026"
# The second factor of the demo accounts that need one (broker, auditor, admin): this key
# in any authenticator app, or one of these recovery codes, given back at every run.
DEMO_TOTP_KEY = "RIPOSTEDEMORIPOSTEDEMORIPOSTEDEM"
DEMO_RECOVERY_CODES = ["demo-code-1", "demo-code-2", "demo-code-3", "demo-code-4", "demo-code-5"]
CLINIC_REFERENCE = "RIP-DEMO-0001"

G = Guarantee.Kind


def _eur(value) -> Decimal:
    return Decimal(str(value))


FRENCH_GUARANTEES = [
    # kind, limit, sublimit, deductible amount, deductible %, floor, waiting h, indemnity days
    (G.ASSISTANCE, 50_000, None, None, None, None, 0, None),
    (G.FORENSIC, 100_000, None, 1_000, None, None, 0, None),
    (G.RESTORATION, 150_000, None, 1_000, None, None, 0, None),
    (G.NOTIFICATION, 50_000, None, None, None, None, 0, None),
    (G.MONITORING, 30_000, None, None, None, None, 0, None),
    (G.REGULATORY, 100_000, None, 2_500, None, None, 0, None),
    (G.BUSINESS_INTERRUPTION, 200_000, None, None, None, None, 8, 90),
    (G.RANSOM_NEGOTIATION, 25_000, None, None, None, None, 0, None),
    (G.CYBER_FRAUD, 100_000, 50_000, None, 10, 2_500, 0, None),
    (G.TELEPHONE_OVERBILLING, 15_000, None, 500, None, None, 0, None),
    (G.LIABILITY, 500_000, None, 2_500, None, None, 0, None),
]

# The Luxembourg reference offer for medical practices: 24/7 assistance without deductible.
CLINIC_GUARANTEES = [
    (G.ASSISTANCE, 25_000, None, None, None, None, 0, None),
    (G.FORENSIC, 50_000, None, None, None, None, 0, None),
    (G.RESTORATION, 50_000, None, None, None, None, 0, None),
    (G.NOTIFICATION, 25_000, None, None, None, None, 0, None),
    (G.MONITORING, 25_000, None, None, None, None, 0, None),
    (G.BUSINESS_INTERRUPTION, 100_000, None, None, None, None, 12, 60),
    (G.RANSOM_NEGOTIATION, 10_000, None, None, None, None, 0, None),
    (G.CYBER_FRAUD, 25_000, 10_000, None, 10, 1_000, 0, None),
    (G.LIABILITY, 250_000, None, 1_000, None, None, 0, None),
]

USERS = [
    # e-mail, first name, last name, organisation key, role
    ("dirigeant@menuiserie-lefevre.example", "Claire", "Lefèvre", "company_fr", "manager"),
    ("atelier@menuiserie-lefevre.example", "Karim", "Benali", "company_fr", "member"),
    ("docteur@cabinet-kirchberg.example", "Marc", "Weber", "company_lu", "manager"),
    ("courtier@durand-courtage.example", "Sophie", "Durand", "broker", "broker"),
    ("auditeur@horizon-assurances.example", "Paul", "Martin", "insurer", "auditor"),
]


class Command(BaseCommand):
    help = "Creates the demo organisations, users, policies and incidents (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        orgs = self._organisations()
        users = self._users(orgs)
        policies = self._policies(orgs)
        self._incidents(orgs, users, policies)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for email, _first, _last, org, role in USERS:
            self.stdout.write(f"  {email:42} {DEMO_PASSWORD}   ({role}, {orgs[org].name})")
        self.stdout.write(f"  {'admin@riposte.example':42} {DEMO_PASSWORD}   (staff admin)")
        self.stdout.write(
            "Broker, auditor and admin then give a second factor: the code of an authenticator\n"
            f"app set up with the key {DEMO_TOTP_KEY}, or a recovery code\n"
            f"({', '.join(DEMO_RECOVERY_CODES)}; each works once, until the next seed_demo)."
        )

    def _organisations(self):
        spec = {
            "insurer": dict(name="Horizon Assurances", kind="insurer", country="FR"),
            "broker": dict(name="Durand Courtage", kind="broker", country="FR"),
            "company_fr": dict(
                name="Menuiserie Lefèvre SARL",
                kind="company",
                country="FR",
                timezone="Europe/Paris",
                registration_number="812 345 678",
                address="12 rue des Artisans, 69007 Lyon",
                dpo_contact="Claire Lefèvre, dirigeant@menuiserie-lefevre.example",
                legal_representative="Claire Lefèvre, gérante",
            ),
            "company_lu": dict(
                name="Cabinet médical du Kirchberg",
                kind="company",
                country="LU",
                timezone="Europe/Luxembourg",
                language="fr",
                registration_number="B 123456",
                address="5 avenue J.F. Kennedy, L-1855 Luxembourg",
                dpo_contact="Dr Marc Weber, docteur@cabinet-kirchberg.example",
                legal_representative="Dr Marc Weber",
            ),
        }
        orgs = {}
        for key, fields in spec.items():
            orgs[key], _ = Organisation.objects.get_or_create(name=fields["name"], defaults=fields)
        return orgs

    def _users(self, orgs):
        users = {}
        for email, first, last, org, role in USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(
                user=user, organisation=orgs[org], defaults={"role": role}
            )
            users[email] = user
        admin, created = User.objects.get_or_create(
            email="admin@riposte.example",
            defaults={"first_name": "Admin", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        for user in [*users.values(), admin]:
            if two_factor.required_by_role(user):
                self._second_factor(user)
        return users

    def _second_factor(self, user):
        key = base64.b32decode(DEMO_TOTP_KEY).hex()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="app", key=key, confirmed=True)
        recovery, _ = StaticDevice.objects.get_or_create(
            user=user, name=two_factor.RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        used = set(DEMO_RECOVERY_CODES) - set(recovery.token_set.values_list("token", flat=True))
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=t) for t in used)

    def _policies(self, orgs):
        policies = {}
        for key, number, hotline, jurisdiction, product, guarantees, overall in [
            (
                "company_fr",
                "HZ-CYB-2026-0815",
                "+33 1 80 40 12 34",
                "FR",
                "Horizon Cyber PME",
                FRENCH_GUARANTEES,
                500_000,
            ),
            (
                "company_lu",
                "HZ-LU-MED-2026-0042",
                "+352 4761-4444",
                "LU",
                "Cyber cabinets médicaux",
                CLINIC_GUARANTEES,
                250_000,
            ),
        ]:
            policy, created = Policy.objects.get_or_create(
                insurer=orgs["insurer"],
                number=number,
                defaults=dict(
                    company=orgs[key],
                    broker=orgs["broker"],
                    product_name=product,
                    starts_on=date(2026, 1, 1),
                    ends_on=date(2026, 12, 31),
                    jurisdiction=jurisdiction,
                    hotline=hotline,
                    claim_declaration_days=5,
                    overall_limit=_eur(overall),
                ),
            )
            if created:
                for kind, limit, sub, ded, pct, floor, wait, days in guarantees:
                    Guarantee.objects.create(
                        policy=policy,
                        kind=kind,
                        limit=_eur(limit),
                        sublimit=_eur(sub) if sub else None,
                        deductible_amount=_eur(ded) if ded else None,
                        deductible_percent=_eur(pct) if pct else None,
                        deductible_floor=_eur(floor) if floor else None,
                        waiting_period_hours=wait,
                        indemnity_period_days=days,
                        conditions=(
                            "Procédure de double validation des virements en place."
                            if kind == G.CYBER_FRAUD
                            else ""
                        ),
                    )
            policies[key] = policy
        return policies

    def _incidents(self, orgs, users, policies):
        now = timezone.now()
        if not Incident.objects.filter(reference=CLINIC_REFERENCE).exists():
            # The clinic example: phishing with a ransom demand paralyses room management.
            clinic = open_incident(
                reference=CLINIC_REFERENCE,
                company=orgs["company_lu"],
                policy=policies["company_lu"],
                kinds=["phishing", "ransomware"],
                discovered_at=datetime(2026, 3, 9, 7, 40, tzinfo=ZoneInfo("Europe/Luxembourg")),
                personal_data="yes",
                declared_by=users["docteur@cabinet-kirchberg.example"],
                description=(
                    "Après un e-mail d'hameçonnage, le logiciel de gestion des salles est "
                    "bloqué et une rançon est demandée."
                ),
            )
            doctor = users["docteur@cabinet-kirchberg.example"]
            # The reflexes as the practice followed them, the insurer informed within the hour.
            for key, minutes, proof in [
                ("hotline", 10, "EP-LU-2026-00418"),
                ("isolate", 20, ""),
                ("reset_credentials", 45, ""),
                ("claim_declaration", 70, "SIN-LU-2026-0112"),
                ("preserve_evidence", 90, ""),
                ("crisis_cell", 120, ""),
                ("complaint", 26 * 60, "Police grand-ducale, commissariat Luxembourg-Kirchberg"),
                ("dpa_notification", 30 * 60, "CNPD notification 2026-0315"),
            ]:
                self._complete(
                    clinic, key, doctor, clinic.discovered_at + timedelta(minutes=minutes), proof
                )
            Incident.objects.filter(pk=clinic.pk).update(status=Incident.Status.RECONSTRUCTION)
        manager = users["dirigeant@menuiserie-lefevre.example"]
        company = orgs["company_fr"]
        if not Incident.objects.filter(company=company).exists():
            # Under way: a ransomware attack found this morning.
            ongoing = open_incident(
                company=company,
                policy=policies["company_fr"],
                kinds=["ransomware"],
                discovered_at=now - timedelta(hours=5),
                personal_data="unknown",
                declared_by=manager,
                description="Fichiers chiffrés sur le serveur de l'atelier, note de rançon.",
            )
            self._complete(
                ongoing, "hotline", manager, now - timedelta(hours=4, minutes=40), "AST-2026-118204"
            )
            self._complete(ongoing, "isolate", manager, now - timedelta(hours=4, minutes=30), "")
            # Earlier in the year: a fake-supplier transfer fraud, handled.
            older = open_incident(
                company=company,
                policy=policies["company_fr"],
                kinds=["transfer_fraud"],
                discovered_at=datetime(2026, 6, 12, 16, 5, tzinfo=ZoneInfo("Europe/Paris")),
                personal_data="no",
                declared_by=manager,
                description="Faux changement de RIB d'un fournisseur, virement de 18 400 €.",
            )
            for key, hours, proof in [
                ("hotline", 0.3, "AST-2026-077311"),
                ("bank_recall", 0.5, "Rappel de fonds BNP n° 55120"),
                ("complaint", 20, "PV 2026/004512 — commissariat de Lyon 7e"),
                ("claim_declaration", 50, "SIN-HZ-2026-3391"),
            ]:
                self._complete(
                    older, key, manager, older.discovered_at + timedelta(hours=hours), proof
                )
            Incident.objects.filter(pk=older.pk).update(status=Incident.Status.CLOSED)
        self._clinic_costs(users["docteur@cabinet-kirchberg.example"])

    def _clinic_costs(self, doctor):
        """The three costs of the clinic example (easyPRO Cyber), recorded once."""
        from coverage.models import Cost
        from coverage.services.recording import record_cost

        clinic = Incident.objects.get(reference=CLINIC_REFERENCE)
        if Cost.objects.filter(incident=clinic).exists():
            return
        guarantees = {g.kind: g for g in clinic.policy.guarantees.all()}
        # A medical practice is exempt from VAT (Luxembourg VAT law, art. 44) and cannot
        # recover it: the claim counts the amounts including VAT, those of the example.
        for kind, supplier, day, description, incl, excl in [
            (G.ASSISTANCE, "Assistance easyPRO 24/7", 9, "Gestion du sinistre", "720", "615.38"),
            (G.FORENSIC, "Experts IT Kirchberg", 10, "Recherche de la faille", "1800", "1538.46"),
            (
                G.RESTORATION,
                "Reconstitution SI Lux",
                16,
                "Reconstitution du système",
                "10000",
                "8547.01",
            ),
        ]:
            record_cost(
                clinic,
                user=doctor,
                guarantee=guarantees[kind],
                supplier=supplier,
                incurred_on=date(2026, 3, day),
                description=description,
                amount_excl_vat=Decimal(excl),
                amount_incl_vat=Decimal(incl),
                counted=Cost.Counted.INCL_VAT,
            )

    def _complete(self, incident, key, user, done_at, proof):
        from incident_app.services.steps import complete_step

        step = incident.steps.filter(key=key).first()
        if step and step.status == Step.Status.TODO:
            complete_step(step, user=user, done_at=done_at, proof_reference=proof)
