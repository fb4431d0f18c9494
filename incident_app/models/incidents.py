"""Incidents and the steps of their response."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from playbooks.deadlines import DeadlineState, deadline_state

from .accounts import Organisation

# An open step due within this time is shown as pressing.
SOON = timedelta(hours=24)


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user, part: str | None = None):
        """The one rule of who sees an incident.

        Members of the company see its incidents; a broker sees the incidents under the
        policies it placed; an insurer's auditors see those under its policies; platform staff
        see an incident while an access grant of theirs lasts (``StaffAccess``). An outside
        expert sees an incident only through the pages of one ``part`` (journal, evidence,
        dossier) that a current grant covers (``ExpertAccess``): every other page asks
        without a part, so an expert is a stranger there.
        Every view, download and export starts from this queryset, so an incident a user may
        not see is a 404, never a 403 that would confirm it exists.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            # Platform staff only under a live access grant, opened with a reason that the
            # company reads in its journal (services/staff_access.py); the admin reads on.
            grants = self.model._meta.get_field("staff_accesses").related_model.objects
            return self.filter(pk__in=grants.live().filter(user=user).values("incident_id"))
        # The ids as values, not a subquery: the user's memberships are read once per request
        # (the role checks need them too), and the plan of a query with three subqueries
        # costs more than running it.
        org_ids = [membership.organisation_id for membership in user.current_memberships]
        rule = self._organisations_rule(org_ids)
        if part is not None:
            from .claims import ExpertAccess

            granted = ExpertAccess.objects.active().filter(expert=user, **{f"sees_{part}": True})
            rule |= Q(pk__in=granted.values("incident_id"))
        elif not org_ids:
            return self.none()
        return self.filter(rule)

    def visible_to_organisations(self, org_ids):
        """What the members of these organisations see: the rule of ``visible_to`` for a
        system acting as an organisation (an API token) rather than as a person."""
        if not org_ids:
            return self.none()
        return self.filter(self._organisations_rule(org_ids))

    @staticmethod
    def _organisations_rule(org_ids) -> Q:
        return (
            Q(company_id__in=org_ids)
            | Q(policy__broker_id__in=org_ids)
            | Q(policy__insurer_id__in=org_ids)
        )

    def with_progress(self):
        """Each incident with its applicable steps counted, those settled, and the nearest
        deadline of a step still to do: what every list of incidents shows."""
        settled = ["done", "not_applicable"]
        return self.select_related("company", "policy").annotate(
            steps_total=models.Count("steps", filter=Q(steps__applicable=True)),
            steps_done=models.Count(
                "steps", filter=Q(steps__applicable=True, steps__status__in=settled)
            ),
            next_due_at=models.Min(
                "steps__due_at", filter=Q(steps__applicable=True, steps__status="todo")
            ),
        )


JOURNAL_HEAD_FIELDS = ("journal_head_seq", "journal_head_hash")


class Incident(models.Model):
    """A cyberattack a company declared, anchored on when it found out."""

    class Kind(models.TextChoices):
        RANSOMWARE = "ransomware", _("Rançongiciel")
        PHISHING = "phishing", _("Hameçonnage")
        TRANSFER_FRAUD = "transfer_fraud", _("Fraude au virement")
        DATA_LEAK = "data_leak", _("Fuite de données")
        ACCOUNT_TAKEOVER = "account_takeover", _("Compte piraté")
        DDOS = "ddos", _("Déni de service")
        TELEPHONE_FRAUD = "telephone_fraud", _("Piratage téléphonique")
        OTHER = "other", _("Autre")

    class PersonalData(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")
        UNKNOWN = "unknown", _("Je ne sais pas")

    class Status(models.TextChoices):
        DECLARED = "declared", _("Déclaré")
        OPEN = "open", _("Ouvert")
        REFUSED = "refused", _("Refusé")
        INVESTIGATION = "investigation", _("Expertise")
        RECONSTRUCTION = "reconstruction", _("Reconstruction")
        LEGAL = "legal", _("Contentieux")
        CLOSED = "closed", _("Clos")

    # Set from the primary key right after the first save (RIP-2026-00042); demo incidents
    # may carry a fixed reference.
    reference = models.CharField(
        _("référence"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="incidents",
        limit_choices_to={"kind": "company"},
        verbose_name=_("entreprise"),
    )
    policy = models.ForeignKey(
        "coverage.Policy",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("contrat"),
    )
    kinds = models.JSONField(_("nature de l'attaque"), default=list)
    description = models.TextField(_("description"), blank=True)
    discovered_at = models.DateTimeField(
        _("découvert le"),
        help_text=_(
            "Quand l'entreprise a eu connaissance de l'attaque : point de départ des délais."
        ),
    )
    personal_data = models.CharField(
        _("données personnelles en jeu"),
        max_length=8,
        choices=PersonalData.choices,
        default=PersonalData.UNKNOWN,
    )
    personal_data_aware_at = models.DateTimeField(
        _("atteinte aux données personnelles connue le"),
        null=True,
        blank=True,
        help_text=_(
            "Point de départ des 72 h du RGPD (art. 33) quand il diffère de la découverte."
        ),
    )
    high_risk = models.BooleanField(_("risque élevé pour les personnes"), default=False)
    network_usable = models.BooleanField(_("réseau du bureau utilisable"), null=True, blank=True)
    nis2_entity = models.BooleanField(_("entité NIS2"), default=False)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.DECLARED
    )
    playbook_version = models.CharField(_("version du guide"), max_length=64, blank=True)
    # The playbook as it was when the incident was opened: deadlines are always recomputed
    # with the rules the incident started under, even after the playbook files change.
    playbook_snapshot = models.JSONField(_("guide à l'ouverture"), default=dict, editable=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="declared_incidents",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # One-time token of the declaration form: a double-click or a resubmitted form finds the
    # incident already opened instead of opening a second one.
    declaration_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The end of the journal's hash chain: number and hash of its last entry, moved by
    # JournalEntry.append in the same transaction as the entry. The links between entries
    # show an entry changed or removed among others; only this shows the newest ones removed.
    journal_head_seq = models.PositiveIntegerField(default=0, editable=False)
    journal_head_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-discovered_at"]
        indexes = [
            models.Index(fields=["company", "-discovered_at"]),
            # The API's synchronisation pages through incidents by (updated_at, id).
            models.Index(fields=["updated_at", "id"], name="incident_updated"),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Only JournalEntry.append moves the journal's head, under the incident's row
            # lock: saving an incident read before an append must not wind the head back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in JOURNAL_HEAD_FIELDS
            ]
        super().save(*args, **kwargs)
        if not self.reference:
            self.reference = f"RIP-{self.created_at.year}-{self.pk:05d}"
            Incident.objects.filter(pk=self.pk).update(reference=self.reference)

    @property
    def country(self) -> str:
        return self.company.country

    @property
    def zone(self):
        return self.company.zone

    def local_text(self, moment) -> str:
        """A moment as the company reads it: in its time zone, in the language's format."""
        return date_format(timezone.localtime(moment, self.zone), "DATETIME_FORMAT")

    def kind_labels(self) -> list[str]:
        labels = dict(self.Kind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds]

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.REFUSED)


class Step(models.Model):
    """One reflex of an incident's playbook, with its deadline and how it was done.

    ``definition`` is the playbook's step as it was when the incident was opened (titles,
    guidance, proof asked, deadline rule and its legal source), so an incident keeps the
    playbook version it started with.
    """

    class Status(models.TextChoices):
        TODO = "todo", _("À faire")
        DONE = "done", _("Fait")
        NOT_APPLICABLE = "not_applicable", _("Sans objet")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(_("clé"), max_length=64)
    order = models.PositiveSmallIntegerField(_("ordre"))
    definition = models.JSONField(_("définition"), default=dict)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.TODO
    )
    due_at = models.DateTimeField(_("échéance"), null=True, blank=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("enregistré le"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("fait par"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="assigned_steps",
        null=True,
        blank=True,
        verbose_name=_("confié à"),
    )
    proof_reference = models.CharField(_("référence de la preuve"), max_length=200, blank=True)
    proof_details = models.CharField(_("précisions"), max_length=500, blank=True)
    not_applicable_reason = models.CharField(_("motif"), max_length=500, blank=True)
    applicable = models.BooleanField(
        _("applicable"),
        default=True,
        help_text=_("Faux quand les faits ont changé et que le guide ne demande plus ce geste."),
    )

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["incident", "order"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "key"], name="one_step_per_key"),
        ]
        indexes = [
            # Compliance dashboards and the overdue sweep look up open steps by deadline.
            models.Index(
                fields=["due_at"], name="step_open_due", condition=Q(status="todo", applicable=True)
            ),
        ]

    def __str__(self):
        return f"{self.incident.reference} · {self.key}"

    def text(self, field: str, lang: str = "fr") -> str:
        value = self.definition.get(field) or {}
        if isinstance(value, dict):
            return value.get(lang) or value.get("fr") or ""
        return str(value)

    @property
    def rule(self) -> dict:
        """The deadline rule as the playbook wrote it when the incident opened ({} if none):
        ``amount``, ``unit``, ``source``, ``indemnity_condition``, ``advisory``, ``note``."""
        return self.definition.get("rule") or {}

    @property
    def legal_source(self) -> str:
        """Where the deadline comes from: the rule's source, else the step's."""
        return self.rule.get("source") or self.definition.get("source") or ""

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.TODO and self.applicable

    def deadline_state(self, now=None) -> DeadlineState:
        """Where the step stands against its deadline, by the one rule of
        ``playbooks.deadlines``: the due moment itself is still on time.

        A step set aside, or still to do but no longer called for by the facts, has no
        verdict; a step done keeps its verdict even once the facts no longer call for it.
        """
        done = self.status == self.Status.DONE
        return deadline_state(
            due_at=self.due_at,
            done_at=self.done_at if done else None,
            now=now or timezone.now(),
            applicable=done or self.is_open,
        )

    def is_overdue(self, now=None) -> bool:
        return self.deadline_state(now) is DeadlineState.OVERDUE

    def was_on_time(self) -> bool | None:
        """True if done by its deadline, False if late, None if no deadline or not done."""
        state = self.deadline_state()
        if state is DeadlineState.ON_TIME:
            return True
        if state is DeadlineState.LATE:
            return False
        return None

    @staticmethod
    def deadline_state_q(state, now=None, prefix: str = "") -> Q:
        """``deadline_state`` in SQL, for counts over many steps: the steps with a deadline
        in ``state`` (on time, late, open or overdue) at ``now``; ``prefix`` reaches them from
        another model (``"steps__"``). Done at the due moment is on time, open at it too."""
        p = prefix
        with_deadline = {f"{p}applicable": True, f"{p}due_at__isnull": False}
        lookups = {
            DeadlineState.ON_TIME: {f"{p}status": "done", f"{p}done_at__lte": F(f"{p}due_at")},
            DeadlineState.LATE: {f"{p}status": "done", f"{p}done_at__gt": F(f"{p}due_at")},
            DeadlineState.OVERDUE: {f"{p}status": "todo", f"{p}due_at__lt": now},
            DeadlineState.OPEN: {f"{p}status": "todo", f"{p}due_at__gte": now},
        }
        return Q(**with_deadline, **lookups[DeadlineState(state)])

    @staticmethod
    def done_late_q() -> Q:
        """Done strictly after the due moment (done at the due moment is on time)."""
        return Step.deadline_state_q(DeadlineState.LATE)

    def urgency(self, now=None) -> str:
        """How pressing the step is: "late" once overdue, "soon" when due within ``SOON``,
        "ok" further off, "" when it is not open or has no deadline."""
        now = now or timezone.now()
        state = self.deadline_state(now)
        if state is DeadlineState.OVERDUE:
            return "late"
        if state is DeadlineState.OPEN:
            return "soon" if self.due_at - now < SOON else "ok"
        return ""
