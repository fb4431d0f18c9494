"""The broker's side shown on the company's incident page: requests to answer, what the
broker still needs, the claim's state and its history, shared notes."""

from django import template

from incident_app import access
from incident_app.models import Membership

from .. import completeness, notes, summary
from ..forms import ClaimStateForm
from ..models import ClaimSummary, ClientRequest

register = template.Library()


def _summary(incident) -> ClaimSummary:
    """The incident's summary row, read once for both tags of the page (computed if the
    incident has none yet)."""
    if not hasattr(incident, "_broker_summary"):
        found = ClaimSummary.objects.filter(incident=incident).first()
        incident._broker_summary = found or summary.refresh(incident)
    return incident._broker_summary


@register.inclusion_tag("broker/_requests.html", takes_context=True)
def broker_requests(context, incident):
    """``{% broker_requests incident %}`` at the top of the incident page: the requests of
    the broker still open, with the form to answer them."""
    user = context["request"].user
    return {
        "csrf_token": context.get("csrf_token"),
        "incident": incident,
        "zone": incident.company.timezone,
        # No query when the summary says there is nothing open.
        "open_requests": list(
            ClientRequest.objects.filter(incident=incident, status__in=ClientRequest.OPEN)
            .select_related("answered_by")
            .order_by("due_at")
        )
        if _summary(incident).open_requests
        else [],
        "can_answer": access.can_act_on_steps(user, incident),
    }


@register.inclusion_tag("broker/_panel.html", takes_context=True)
def broker_panel(context, incident):
    """``{% broker_panel incident %}`` below the steps: what the broker still needs, the
    claim's state and history, the broker's shared notes."""
    user = context["request"].user
    role = access.incident_role(user, incident)
    return {
        "csrf_token": context.get("csrf_token"),
        "incident": incident,
        "zone": incident.company.timezone,
        "is_broker": role == Membership.Role.BROKER,
        "missing": completeness.missing_items(incident, _summary(incident).missing),
        "score": _summary(incident).percent,
        "history": list(incident.claim_state_changes.all()[:10]),
        "shared_notes": list(notes.notes_for(incident, internal=False)[:10]),
        "can_change_state": access.can_change_claim_state(user, incident),
        "state_form": ClaimStateForm(initial={"state": incident.status}),
        "can_grant_experts": access.can_grant_experts(user, incident),
    }
