"""Recording what was done for each step of an incident."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import signals
from ..models import JournalEntry, Step, journal_language
from . import evidence, reminders


@transaction.atomic
def complete_step(
    step: Step, *, user, done_at=None, proof_reference="", proof_details="", files=(), now=None
) -> Step:
    """Mark a step done at ``done_at`` (default now) with its proof and evidence ``files``.

    The time may be stated in the past, since people act first and record later, but never
    in the future nor before the attack was discovered; the journal keeps both the stated time
    and the time it was recorded.
    The step is recorded with all its files or, if one is refused, not at all.
    """
    now = now or timezone.now()
    done_at = done_at or now
    # Every file is checked before anything is written or locked.
    files = list(files)
    inspections = [evidence.inspect(upload) for upload in files]
    step = _locked(step)
    if step.status != Step.Status.TODO:
        raise ValidationError(_("Cette étape a déjà été enregistrée."), code="already_recorded")
    if done_at > now:
        raise ValidationError(_("L'heure indiquée est dans le futur."), code="future")
    incident = step.incident
    if done_at < incident.discovered_at:
        # Something done about the attack means it was known: the deadlines run from then.
        raise ValidationError(
            _(
                "L'heure indiquée est avant la découverte de l'attaque (%(when)s). Si elle était "
                "connue plus tôt, corrigez d'abord l'heure de découverte : les délais en dépendent."
            )
            % {"when": incident.local_text(incident.discovered_at)},
            code="before_discovery",
        )
    step.status = Step.Status.DONE
    step.done_at = done_at
    step.recorded_at = now
    step.done_by = user
    step.proof_reference = proof_reference.strip()
    step.proof_details = proof_details.strip()
    step.save(
        update_fields=[
            "status",
            "done_at",
            "recorded_at",
            "done_by",
            "proof_reference",
            "proof_details",
        ]
    )
    on_time = step.was_on_time()
    JournalEntry.append(
        step.incident,
        JournalEntry.Kind.STEP_DONE,
        _done_text(step),
        actor=user,
        occurred_at=done_at,
        data={
            "step": step.key,
            "done_at": done_at.isoformat(),
            "due_at": step.due_at.isoformat() if step.due_at else None,
            "on_time": on_time,
            "proof_reference": step.proof_reference,
            "proof_details": step.proof_details,
        },
    )
    kept = []
    try:
        for upload, inspection in zip(files, inspections, strict=True):
            kept.append(
                evidence.add_evidence(
                    step.incident, upload, user=user, step=step, inspection=inspection
                )
            )
        reminders.sync_for_step(step, now=now)
        _after_change(step)
        signals.step_done.send(sender=Step, incident=step.incident, step=step, now=now)
    except Exception:
        # A refusal from here on (a file over the quota) rolls the whole step back: the rows
        # of the files kept before it go with the transaction, their stored bytes must too.
        evidence.discard_files(kept)
        raise
    return step


@transaction.atomic
def mark_not_applicable(step: Step, *, user, reason: str, now=None) -> Step:
    """Say a step does not apply to this incident, with the reason why."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez pourquoi cette étape est sans objet."), code="reason")
    step = _locked(step)
    if step.status != Step.Status.TODO:
        raise ValidationError(_("Cette étape a déjà été enregistrée."), code="already_recorded")
    step.status = Step.Status.NOT_APPLICABLE
    step.not_applicable_reason = reason
    step.recorded_at = now
    step.done_by = user
    step.save(update_fields=["status", "not_applicable_reason", "recorded_at", "done_by"])
    with journal_language(step.incident) as language:
        text = _("Étape « %(title)s » sans objet : %(reason)s") % {
            "title": step.text("title", language),
            "reason": reason,
        }
    JournalEntry.append(
        step.incident,
        JournalEntry.Kind.STEP_NOT_APPLICABLE,
        text,
        actor=user,
        data={"step": step.key, "reason": reason},
    )
    reminders.sync_for_step(step, now=now)
    _after_change(step)
    return step


def _locked(step: Step) -> Step:
    """The step read again under a row lock, keeping the incident already loaded."""
    locked = Step.objects.select_for_update().get(pk=step.pk)
    if Step.incident.is_cached(step):
        locked.incident = step.incident
    return locked


def _after_change(step: Step) -> None:
    """Steps anchored on this one (e.g. NIS2 final report) get their deadline now."""
    from .incidents import replan

    incident = step.incident
    if incident.steps.filter(definition__rule__anchor=step.key).exists():
        replan(incident, actor=None, reason=_done_text(step))


def _done_text(step: Step) -> str:
    with journal_language(step.incident) as language:
        return _("Étape « %(title)s » faite.") % {"title": step.text("title", language)}
