"""The coverage page of an incident: guarantees, costs, estimates, conditions of the cover.

Everyone who sees the incident sees its coverage (company, broker, auditor); the company and
its broker record costs (and withdraw mistaken ones) and the business interruption
(``access.can_annotate``); a manager of the company attests a guarantee's condition
(``access.can_manage``).  Every form works with a plain POST (then a redirect) and with HTMX
(then the ``coverage`` fragment is swapped).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import security
from core.downloads import private_attachment
from core.language import language_code, reader_language
from incident_app.access import can_annotate, can_manage, get_visible_incident, require

from .forms import AttestationForm, BusinessInterruptionForm, CostForm, CostWithdrawalForm
from .models import BusinessInterruption, Cost, Guarantee
from .services import recording
from .services.summary import coverage_summary as summarise

PAGE = "coverage/summary.html"


def _lang(request) -> str:
    """The language asked in the address (``?lang=en``), else the reader's."""
    try:
        return language_code(request.GET.get("lang") or reader_language())
    except ValueError:
        return reader_language()


def _interruption_initial(incident) -> dict:
    record = BusinessInterruption.objects.filter(incident=incident).first()
    if record is None:
        return {}
    return {
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "hourly_margin": record.hourly_margin,
        "annual_margin": record.annual_margin,
        "operating_hours_per_year": record.operating_hours_per_year,
        "extra_costs": record.extra_costs,
    }


def _render(
    request, incident, *, cost_form=None, interruption_form=None, notice="", notice_level="success"
):
    user = request.user
    lang = _lang(request)
    # Forms read and show times in the company's zone, whatever the server's.
    with timezone.override(incident.company.zone):
        context = {
            "incident": incident,
            "summary": summarise(incident, lang=lang),
            "lang": lang,
            "can_record": can_annotate(user, incident),
            "can_attest": can_manage(user, incident),
            "cost_form": cost_form or CostForm(policy=incident.policy),
            "interruption_form": interruption_form
            or BusinessInterruptionForm(initial=_interruption_initial(incident)),
            "attestation_form": AttestationForm(),
            "has_interruption_cover": incident.policy.guarantees.filter(
                kind=Guarantee.Kind.BUSINESS_INTERRUPTION
            ).exists(),
            "notice": notice,
            "notice_level": notice_level,
        }
        template = f"{PAGE}#coverage" if request.htmx else PAGE
        return render(request, template, context)


def _done(request, incident, message: str):
    if request.htmx:
        return _render(request, incident, notice=message)
    messages.success(request, message)
    return redirect(reverse("coverage_summary", args=[incident.reference]))


def _refuse(request, incident, errors: list[str], anchor: str):
    """Say why nothing changed: in the swapped fragment (HTMX), or on the page after a redirect."""
    if request.htmx:
        return _render(request, incident, notice=" ".join(errors), notice_level="error")
    messages.error(request, " ".join(errors))
    return redirect(reverse("coverage_summary", args=[incident.reference]) + anchor)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def coverage_summary(request, reference):
    incident = get_visible_incident(request.user, reference)
    return _render(request, incident)


@login_required
@require_GET
def coverage_summary_json(request, reference):
    incident = get_visible_incident(request.user, reference)
    summary = summarise(incident, lang=_lang(request))
    security.record(security.Kind.EXPORT, request, target=incident.reference, export="coverage")
    return JsonResponse(summary.as_dict(), json_dumps_params={"ensure_ascii": False})


@login_required
def cost_add(request, reference):
    incident = get_visible_incident(request.user, reference)
    if request.method != "POST":
        return redirect(reverse("coverage_summary", args=[reference]) + "#costs")
    require(can_annotate(request.user, incident))
    form = CostForm(request.POST, request.FILES, policy=incident.policy)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recording.record_cost(
                incident,
                user=request.user,
                guarantee=data["guarantee"],
                supplier=data["supplier"],
                incurred_on=data["incurred_on"],
                description=data["description"],
                amount_excl_vat=data["amount_excl_vat"],
                amount_incl_vat=data["amount_incl_vat"],
                counted=data["counted"],
                invoice=data["invoice"] or None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, incident, _("Coût enregistré."))
    return _render(request, incident, cost_form=form)


@login_required
def cost_withdraw(request, reference, pk):
    incident = get_visible_incident(request.user, reference)
    cost = get_object_or_404(Cost.objects.select_related("guarantee"), pk=pk, incident=incident)
    anchor = f"#guarantee-{cost.guarantee.kind}"
    if request.method != "POST":
        return redirect(reverse("coverage_summary", args=[reference]) + anchor)
    require(can_annotate(request.user, incident))
    form = CostWithdrawalForm(request.POST)
    if not form.is_valid():
        return _refuse(request, incident, form.errors["reason"], anchor)
    try:
        recording.withdraw_cost(cost, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refuse(request, incident, error.messages, anchor)
    return _done(
        request,
        incident,
        _("Coût « %(supplier)s » retiré : il reste listé mais ne compte plus dans l'estimation.")
        % {"supplier": cost.supplier},
    )


@login_required
def interruption_edit(request, reference):
    incident = get_visible_incident(request.user, reference)
    if request.method != "POST":
        return redirect(reverse("coverage_summary", args=[reference]) + "#interruption")
    require(can_annotate(request.user, incident))
    with timezone.override(incident.company.zone):
        form = BusinessInterruptionForm(request.POST)
        valid = form.is_valid()
    if valid:
        data = form.cleaned_data
        try:
            recording.save_business_interruption(
                incident,
                user=request.user,
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                hourly_margin=data["hourly_margin"],
                annual_margin=data["annual_margin"],
                operating_hours_per_year=data["operating_hours_per_year"],
                extra_costs=data["extra_costs"] or 0,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Not about a field: the policy has no business-interruption guarantee.
                return _render(
                    request, incident, notice=" ".join(error.messages), notice_level="error"
                )
            _add_errors(form, error)
        else:
            return _done(request, incident, _("Interruption d'activité enregistrée."))
    return _render(request, incident, interruption_form=form)


@login_required
def condition_attest(request, reference, pk):
    incident = get_visible_incident(request.user, reference)
    guarantee = get_object_or_404(Guarantee, pk=pk, policy=incident.policy)
    if request.method != "POST":
        return redirect(reverse("coverage_summary", args=[reference]) + "#conditions")
    require(can_manage(request.user, incident))
    form = AttestationForm(request.POST)
    if form.is_valid():
        try:
            recording.attest_condition(
                incident, guarantee, user=request.user, statement=form.cleaned_data["statement"]
            )
        except ValidationError as error:
            if request.htmx:
                return _render(
                    request, incident, notice=" ".join(error.messages), notice_level="error"
                )
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("coverage_summary", args=[reference]) + "#conditions")
        return _done(request, incident, _("Condition attestée."))
    messages.error(request, " ".join(form.errors.get("statement", [])))
    return redirect(reverse("coverage_summary", args=[reference]) + "#conditions")


@login_required
@require_GET
def cost_invoice(request, reference, pk):
    incident = get_visible_incident(request.user, reference)
    cost = get_object_or_404(
        Cost.objects.select_related("invoice"), pk=pk, incident=incident, invoice__isnull=False
    )
    evidence = cost.invoice
    if evidence.incident_id != incident.pk:
        raise Http404
    security.record(
        security.Kind.DOWNLOAD,
        request,
        target=incident.reference,
        cost=cost.pk,
        evidence=evidence.pk,
    )
    return private_attachment(evidence.file, evidence.download_name, evidence.content_type)
