"""The crisis log (main courante): append-only and chained by SHA-256."""

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .incidents import Incident

GENESIS_HASH = "0" * 64


class JournalIsAppendOnly(Exception):
    """Raised when code tries to change or remove what the journal recorded."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalIsAppendOnly("Journal entries are never updated.")

    def delete(self):
        raise JournalIsAppendOnly("Journal entries are never deleted.")


@contextmanager
def journal_language(incident):
    """Write the journal's texts in the company's language, whoever writes them.

    The journal is one record of the incident, read by the company, its broker and its
    insurer: it stays in one language rather than in each writer's. Texts are built inside
    the block (a stored text cannot be translated afterwards); the block gives the language
    for what the catalogue does not hold, such as step titles.
    """
    language = incident.company.language
    with translation.override(language):
        yield language


class JournalEntry(models.Model):
    """One event of an incident, chained to the previous one by hash.

    ``hash`` is SHA-256 of the previous entry's hash and of this entry's canonical content,
    so changing, removing or reordering any entry breaks every hash after it.
    """

    class Kind(models.TextChoices):
        DECLARED = "declared", _("Incident déclaré")
        STEP_DONE = "step_done", _("Étape faite")
        STEP_NOT_APPLICABLE = "step_not_applicable", _("Étape sans objet")
        STEP_ASSIGNED = "step_assigned", _("Étape confiée")
        FACT_CORRECTED = "fact_corrected", _("Fait corrigé")
        PLAN_CHANGED = "plan_changed", _("Étapes recalculées")
        EVIDENCE_ADDED = "evidence_added", _("Preuve ajoutée")
        EVIDENCE_WITHDRAWN = "evidence_withdrawn", _("Preuve retirée")
        NOTE = "note", _("Note")
        DEADLINE_MISSED = "deadline_missed", _("Échéance dépassée")
        REMINDER_SENT = "reminder_sent", _("Rappel envoyé")
        MEMBER_INVITED = "member_invited", _("Membre invité")
        COMMUNICATION_SENT = "communication_sent", _("Communication envoyée")
        COST_RECORDED = "cost_recorded", _("Coût enregistré")
        COST_WITHDRAWN = "cost_withdrawn", _("Coût retiré")
        DOSSIER_GENERATED = "dossier_generated", _("Dossier généré")
        DOCUMENT_GENERATED = "document_generated", _("Document généré")
        STATUS_CHANGED = "status_changed", _("Statut modifié")
        REQUEST_SENT = "request_sent", _("Demande au client")
        REQUEST_ANSWERED = "request_answered", _("Demande : réponse du client")
        REQUEST_ACCEPTED = "request_accepted", _("Demande acceptée")
        REQUEST_RETURNED = "request_returned", _("Demande renvoyée")
        BROKER_NOTE = "broker_note", _("Note du courtier")
        EXPERT_GRANTED = "expert_granted", _("Accès d'expert ouvert")
        EXPERT_REVOKED = "expert_revoked", _("Accès d'expert retiré")
        EXPERT_VIEWED = "expert_viewed", _("Consultation par un expert")
        MEMBER_JOINED = "member_joined", _("Membre arrivé")
        MEMBER_LEFT = "member_left", _("Membre parti")
        STAFF_ACCESS = "staff_access", _("Accès de l'équipe Riposte")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="journal")
    seq = models.PositiveIntegerField(_("numéro"))
    created_at = models.DateTimeField(_("enregistré le"))
    occurred_at = models.DateTimeField(_("survenu le"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("auteur"),
    )
    actor_label = models.CharField(_("auteur"), max_length=254, blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    text = models.TextField(_("texte"))
    data = models.JSONField(_("données"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["incident", "seq"]
        constraints = [
            # Two concurrent writers cannot both extend the chain from the same entry.
            models.UniqueConstraint(fields=["incident", "seq"], name="journal_seq_per_incident"),
        ]

    def __str__(self):
        return f"{self.incident_id}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise JournalIsAppendOnly("Journal entries are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalIsAppendOnly("Journal entries are never deleted.")

    def canonical_content(self) -> str:
        payload = {
            "incident": self.incident.reference,
            "seq": self.seq,
            "created_at": self.created_at.astimezone(timezone.UTC).isoformat(),
            "occurred_at": (
                self.occurred_at.astimezone(timezone.UTC).isoformat() if self.occurred_at else None
            ),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "kind": self.kind,
            "text": self.text,
            "data": self.data,
        }
        return json.dumps(
            payload,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            cls=DjangoJSONEncoder,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical_content()).encode()).hexdigest()

    @classmethod
    def append(cls, incident, kind, text, *, actor=None, data=None, occurred_at=None):
        """Add an entry at the end of the incident's chain and move the chain's head to it."""
        # Within a caller's transaction, no savepoint: a failure here fails the caller.
        with transaction.atomic(savepoint=False):
            # Lock the incident row so writers append one after the other (a no-op on SQLite,
            # whose writes are serialised anyway), and read the head there: the chain goes on
            # from what was last recorded, so removed entries stay missing in the chain.
            # The same statement reads the newest entry too (the subqueries sit in the select
            # list, so only the incident row is locked): a release from before the head
            # existed, still running during an upgrade, appends without moving the head. The
            # chain then goes on after that entry, not at a number already taken, which would
            # fail every later write. An entry removed from the end stays missing: the newest
            # entry is then behind the head, which wins.
            newest = cls.objects.filter(incident=OuterRef("pk")).order_by("-seq")
            head_seq, head_hash, newest_seq, newest_hash = (
                Incident.objects.select_for_update(of=("self",))
                .filter(pk=incident.pk)
                .annotate(
                    newest_seq=Subquery(newest.values("seq")[:1]),
                    newest_hash=Subquery(newest.values("hash")[:1]),
                )
                .values_list("journal_head_seq", "journal_head_hash", "newest_seq", "newest_hash")
                .get()
            )
            if newest_seq is not None and newest_seq > head_seq:
                head_seq, head_hash = newest_seq, newest_hash
            # Round-trip through JSON so the hash is computed on what the database returns.
            data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
            entry = cls(
                incident=incident,
                seq=head_seq + 1,
                created_at=timezone.now(),
                occurred_at=occurred_at,
                actor=actor,
                actor_label=(actor.display_name if actor else "Riposte"),
                kind=kind,
                text=text,
                data=data,
                prev_hash=head_hash if head_seq else GENESIS_HASH,
            )
            entry.hash = entry.compute_hash()
            entry.save()
            # Every change worth telling is journaled: moving ``updated_at`` with the head lets
            # systems that synchronise (the API's ``updated_since``) see steps done, evidence
            # and notes, not only changes of the incident's own fields.
            Incident.objects.filter(pk=incident.pk).update(
                journal_head_seq=entry.seq,
                journal_head_hash=entry.hash,
                updated_at=entry.created_at,
            )
            incident.journal_head_seq, incident.journal_head_hash = entry.seq, entry.hash
            return entry


@dataclass(frozen=True)
class ChainBreak:
    """Where an incident's journal stops being what was recorded, at number ``seq``.

    Three cases: ``entry`` (number ``seq``) no longer matches its hash, the previous entry or
    the head; entries were removed from the middle (``gap``): ``entry`` is the first one
    left after them, numbered above ``seq``; or, when ``entry`` is None, the entries from
    ``seq`` to ``head_seq`` are missing: the journal was truncated.
    """

    seq: int
    entry: JournalEntry | None
    head_seq: int

    @property
    def truncated(self) -> bool:
        return self.entry is None

    @property
    def gap(self) -> bool:
        return self.entry is not None and self.entry.seq > self.seq

    @property
    def last_missing(self) -> int | None:
        """The number of the last removed entry, of the tail or of the gap."""
        if self.truncated:
            return self.head_seq
        if self.gap:
            return self.entry.seq - 1
        return None

    @property
    def missing(self) -> int:
        """How many entries are missing, at the end or in the gap."""
        last = self.last_missing
        return last - self.seq + 1 if last is not None else 0


def verify_chain(incident) -> ChainBreak | None:
    """Return where the journal is broken, or None when it is intact.

    Each entry must follow the previous one, and the chain must reach the head kept on the
    incident: removing entries in the middle, the newest ones, or all of them, is seen too.
    Entries past the head that chain on from it are what a release from before the head
    wrote during an upgrade; ``append`` goes on after them, and so does this check.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    head_seq = None
    # One plain query (a server-side cursor costs several round trips), and of the incident
    # only its head: selecting it whole would decode its playbook snapshot for each entry.
    # The head is read in the same statement as the entries, so an append running meanwhile
    # cannot pass for a missing entry.
    entries = (
        JournalEntry.objects.filter(incident=incident)
        .annotate(
            head_seq=models.F("incident__journal_head_seq"),
            head_hash=models.F("incident__journal_head_hash"),
        )
        .order_by("seq")
    )
    for entry in entries:
        entry.incident = incident
        head_seq = entry.head_seq
        if entry.seq > expected_seq:
            # Decided on the number first: the entry after removed ones cannot chain (its
            # previous hash is the removed entry's), yet it may well be genuine.
            return ChainBreak(seq=expected_seq, entry=entry, head_seq=head_seq)
        if (
            entry.seq != expected_seq
            or entry.prev_hash != expected_prev
            or entry.hash != entry.compute_hash()
            or (entry.seq == head_seq and entry.hash != entry.head_hash)
        ):
            return ChainBreak(seq=entry.seq, entry=entry, head_seq=head_seq)
        expected_prev = entry.hash
        expected_seq += 1
    if head_seq is None:
        head_seq = Incident.objects.values_list("journal_head_seq", flat=True).get(pk=incident.pk)
    if expected_seq <= head_seq:
        return ChainBreak(seq=expected_seq, entry=None, head_seq=head_seq)
    return None
