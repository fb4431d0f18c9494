"""The incident page: one step at a time, the list of all steps, evidence and the journal."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.language import reader_language
from playbooks import keys

from .. import access
from ..forms import (
    EvidenceUploadForm,
    FactsForm,
    NotApplicableForm,
    NoteForm,
    StatusForm,
    StepCompleteForm,
)
from ..fragments import viewer as fragment_viewer
from ..models import Incident, JournalEntry, Step, verify_chain
from ..services import incidents as incident_service
from ..services import staff_access
from ..services import steps as step_service

# Step addresses are built from one reversed URL: reversing it for each step of the list
# costs more than the rest of the list. Step keys are slugs, safe in a path as they are.
STEP_KEY_PLACEHOLDER = "__step_key__"
# The incident page shows the newest entries; the journal page shows them all and checks the
# whole hash chain, as ``verify_journal`` does.
JOURNAL_PREVIEW = 5


def duration_text(delta: timedelta) -> str:
    """A remaining time in words, coarse enough to read at a glance: 2 j 5 h, 5 h 12 min."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days >= 2:
        return _("%(d)d j %(h)d h") % {"d": days, "h": hours}
    hours += days * 24
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


def decorate(step: Step, now, language: str, url_pattern: str = "") -> Step:
    """Attach what the templates show: texts in the reader's language, state and urgency,
    and the step's address (``url_pattern`` with the key in place of ``KEY``)."""
    if url_pattern:
        step.url = url_pattern.replace(STEP_KEY_PLACEHOLDER, step.key)
    step.title_text = step.text("title", language)
    step.guidance_text = step.text("guidance", language)
    step.proof_label_text = step.text("proof_label", language)
    rule = step.rule
    step.indemnity_condition = bool(rule.get("indemnity_condition"))
    note = rule.get("note") or {}
    step.rule_note = note.get(language) or note.get("fr") or "" if isinstance(note, dict) else ""
    step.source = step.definition.get("source", "")
    step.proof_kind = step.definition.get("proof", "none")
    step.at_once = step.definition.get("at_once", False)
    # Verdict and urgency are the step's own rules; the page only words them.
    step.urgency_level = step.urgency(now)
    step.state = step.status
    step.remaining_text = ""
    if step.urgency_level == "late":
        step.state = "overdue"
        step.remaining_text = _("En retard de %(t)s") % {"t": duration_text(step.due_at - now)}
    elif step.urgency_level:
        step.remaining_text = _("Il reste %(t)s") % {"t": duration_text(step.due_at - now)}
    return step


def page_context(request, incident: Incident, current_key: str | None = None, **extra) -> dict:
    """Everything the incident page and its fragments need, in a fixed number of queries."""
    now = timezone.now()
    language = reader_language()
    user = request.user
    # Who did a step is shown only on its own page once done: read then, not joined for all.
    all_steps = list(incident.steps.select_related("assignee").order_by("order"))
    url_pattern = reverse(
        "step_detail", kwargs={"reference": incident.reference, "key": STEP_KEY_PLACEHOLDER}
    )
    steps = [decorate(step, now, language, url_pattern) for step in all_steps if step.applicable]
    by_key = {step.key: step for step in all_steps}
    if current_key is not None:
        if current_key not in by_key:
            raise Http404
        current = by_key[current_key]
        if not current.applicable:
            decorate(current, now, language, url_pattern)
    else:
        current = next((s for s in steps if s.is_open), steps[-1] if steps else None)
    can_act = access.can_act_on_steps(user, incident)
    can_manage = access.can_manage(user, incident)
    hotline_step = by_key.get("hotline")

    def read_evidence():
        evidence = list(incident.evidence.select_related("uploaded_by").order_by("-uploaded_at"))
        steps_by_id = {step.pk: step for step in all_steps}
        for item in evidence:
            # The steps were just read: joining them again would decode each definition twice.
            if item.step_id in steps_by_id:
                item.step = steps_by_id[item.step_id]
                # A step that no longer applies is not in the list, so not decorated: its
                # evidence is still shown under its title.
                item.step.title_text = item.step.text("title", language)
        return evidence

    can_annotate = access.can_annotate(user, incident)
    context = {
        "incident": incident,
        "company": incident.company,
        "zone": incident.company.timezone,
        "steps": steps,
        "current": current,
        "done_count": sum(1 for s in steps if not s.is_open),
        "hotline": incident.policy.hotline_display(incident.company.country),
        "hotline_uri": incident.policy.hotline_tel_uri,
        "hotline_open": hotline_step is not None and hotline_step.is_open,
        # Read only by what shows it (the whole page, the evidence fragment).
        "evidence": SimpleLazyObject(read_evidence),
        # Read only when the journal fragment is rendered, not when it comes from the cache.
        "journal": SimpleLazyObject(
            lambda: list(incident.journal.order_by("-seq")[:JOURNAL_PREVIEW])
        ),
        "all_steps": all_steps,
        "can_act": can_act,
        "can_manage": can_manage,
        "can_annotate": can_annotate,
        "now": now,
        # The cached fragments (``incident_app.fragments``): who reads them, and what of the
        # steps moves with the clock rather than with the journal.
        "fragment_viewer": fragment_viewer(can_act, can_manage, can_annotate),
        "steps_signature": ",".join(f"{s.pk}:{s.state}:{s.urgency_level}" for s in steps),
        # Platform staff let in right now: the company sees who, until when, and why.
        "staff_accesses": SimpleLazyObject(lambda: list(staff_access.live_accesses(incident))),
    }
    if current is not None:
        context.setdefault(
            "complete_form",
            StepCompleteForm(zone=incident.company.zone, step=current, lang=language),
        )
        context.setdefault("not_applicable_form", NotApplicableForm())
    # Its own ids: the step form on the same page has a "files" field too.
    context.setdefault("upload_form", EvidenceUploadForm(auto_id="upload_%s"))
    context.setdefault("note_form", NoteForm())
    context.update(extra)
    # A message or a form with its errors is for this reader alone: rendered afresh.
    context["fragment_cache"] = (
        settings.RIPOSTE_INCIDENT_FRAGMENT_CACHE
        and not any(
            extra.get(name) for name in ("flash", "notice", "evidence_flash", "evidence_errors")
        )
        and not any(getattr(value, "is_bound", False) for value in extra.values())
    )
    return context


def render_page(request, incident, current_key=None, *, status=200, fragments=None, **extra):
    """The full page, or for HTMX the named fragments (the first swapped in place, the
    others out of band)."""
    context = page_context(request, incident, current_key, **extra)
    if fragments and "evidence" in fragments and "conditions" not in fragments:
        # The conditions of the cover list the evidence kept for their steps.
        fragments = [*fragments, "conditions"]
    # Going back to a step link htmx pushed, it may ask the server for the page again (with
    # its HX-Request header): that is the whole page, not the fragment the link swapped in.
    if request.htmx and not request.htmx.history_restore_request and fragments:
        first, *others = fragments
        html = render_to_string(f"incident_app/incident/detail.html#{first}", context, request)
        for name in others:
            html += render_to_string(
                f"incident_app/incident/detail.html#{name}", {**context, "oob": True}, request
            )
        response = HttpResponse(html, status=200)
    else:
        response = render(request, "incident_app/incident/detail.html", context, status=status)
    # The same address answers a fragment or the page: a cache must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def incident_url(incident, step=None, anchor=""):
    if step is not None:
        url = reverse("step_detail", kwargs={"reference": incident.reference, "key": step.key})
    else:
        url = reverse("incident_detail", kwargs={"reference": incident.reference})
    return url + anchor


@login_required
def incident_detail(request, reference):
    incident = access.get_visible_incident(request.user, reference)
    return render_page(request, incident, request.GET.get("step") or None, fragments=["wizard"])


@login_required
def step_detail(request, reference, key):
    incident = access.get_visible_incident(request.user, reference)
    return render_page(request, incident, key, fragments=["wizard"])


def _step_or_404(incident, key) -> Step:
    return get_object_or_404(incident.steps.all(), key=key)


@login_required
def step_complete(request, reference, key):
    incident = access.get_visible_incident(request.user, reference)
    step = _step_or_404(incident, key)
    if request.method != "POST":
        return redirect(incident_url(incident, step))
    access.require(access.can_act_on_steps(request.user, incident))
    form = StepCompleteForm(
        request.POST, request.FILES, zone=incident.company.zone, step=step, lang=reader_language()
    )
    if not form.is_valid():
        return _step_error(request, incident, step, complete_form=form)
    uploads = form.cleaned_data["files"]
    try:
        step_service.complete_step(
            step,
            user=request.user,
            done_at=form.cleaned_data["done_at"],
            proof_reference=form.cleaned_data["proof_reference"],
            proof_details=form.cleaned_data["proof_details"],
            files=uploads,
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "already_recorded":
            # A double click: the first click did the work, so say so and show the step.
            return _step_error(request, incident, step, notice=error.messages[0])
        form.add_error(None, error)
        return _step_error(request, incident, step, complete_form=form)
    done = _("Étape « %(title)s » enregistrée.") % {"title": step.text("title", reader_language())}
    if uploads:
        done += " " + ngettext(
            "%(count)d preuve ajoutée.", "%(count)d preuves ajoutées.", len(uploads)
        ) % {"count": len(uploads)}
    return _step_done(request, incident, step, done, evidence_changed=bool(uploads))


@login_required
def step_not_applicable(request, reference, key):
    incident = access.get_visible_incident(request.user, reference)
    step = _step_or_404(incident, key)
    if request.method != "POST":
        return redirect(incident_url(incident, step))
    access.require(access.can_act_on_steps(request.user, incident))
    form = NotApplicableForm(request.POST)
    if not form.is_valid():
        return _step_error(request, incident, step, not_applicable_form=form)
    try:
        step_service.mark_not_applicable(
            step, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "already_recorded":
            return _step_error(request, incident, step, notice=error.messages[0])
        form.add_error(None, error)
        return _step_error(request, incident, step, not_applicable_form=form)
    return _step_done(
        request,
        incident,
        step,
        _("Étape « %(title)s » marquée sans objet.")
        % {"title": step.text("title", reader_language())},
    )


def _step_done(request, incident, step, text, *, evidence_changed=False):
    if request.htmx:
        fragments = ["wizard", "journal"]
        if evidence_changed:
            fragments.append("evidence")
        elif step.key in keys.COVER_CONDITION_STEPS:
            fragments.append("conditions")
        return render_page(request, incident, fragments=fragments, flash=text)
    messages.success(request, text)
    return redirect(incident_url(incident))


def _step_error(request, incident, step, **forms_or_notice):
    return render_page(
        request, incident, step.key, status=400, fragments=["wizard"], **forms_or_notice
    )


@login_required
def incident_facts(request, reference):
    """Correct the facts the deadlines count from; every change is journaled."""
    incident = access.get_visible_incident(request.user, reference)
    access.require(access.can_manage(request.user, incident))
    zone = incident.company.zone
    initial = {
        "kinds": incident.kinds,
        "discovered_at": incident.discovered_at,
        "personal_data": incident.personal_data,
        "personal_data_aware_at": incident.personal_data_aware_at,
        "high_risk": incident.high_risk,
    }
    form = FactsForm(request.POST or None, zone=zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            change = incident_service.correct_facts(
                incident,
                actor=request.user,
                kinds=form.cleaned_data["kinds"],
                discovered_at=form.cleaned_data["discovered_at"],
                personal_data=form.cleaned_data["personal_data"],
                personal_data_aware_at=form.cleaned_data["personal_data_aware_at"],
                high_risk=form.cleaned_data["high_risk"],
            )
        except ValueError:
            form.add_error(None, _("Ces réponses se contredisent : vérifiez-les."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if change is None:
                messages.info(request, _("Rien n'a changé."))
            else:
                messages.success(request, _("Faits corrigés."))
                for line in change.explain(reader_language()):
                    messages.info(request, line)
            return redirect(incident_url(incident))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "incident_app/incident/facts.html",
        {"incident": incident, "form": form, "status_form": StatusForm(incident=incident)},
        status=status,
    )


@login_required
def journal_note(request, reference):
    """The whole journal, newest first, with its integrity check and the note form."""
    incident = access.get_visible_incident(request.user, reference)
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        access.require(access.can_annotate(request.user, incident))
        if form.is_valid():
            JournalEntry.append(
                incident,
                JournalEntry.Kind.NOTE,
                form.cleaned_data["text"].strip(),
                actor=request.user,
            )
            if request.htmx:
                return render_page(request, incident, fragments=["journal"])
            messages.success(request, _("Note ajoutée au journal."))
            if request.POST.get("next") == "journal":
                return redirect("journal_note", reference=incident.reference)
            return redirect(incident_url(incident, anchor="#journal"))
        if request.htmx:
            return render_page(request, incident, fragments=["journal"], note_form=form)
    entries = list(incident.journal.select_related("actor").order_by("-seq"))
    broken = verify_chain(incident)
    return render(
        request,
        "incident_app/incident/journal.html",
        {
            "incident": incident,
            "zone": incident.company.timezone,
            "entries": entries,
            "broken": broken,
            "form": form,
            "can_annotate": access.can_annotate(request.user, incident),
        },
        status=400 if request.method == "POST" else 200,
    )
