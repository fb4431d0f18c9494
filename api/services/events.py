"""What each event of the lower layers tells the webhooks (connected in ``ApiConfig.ready``)."""

from django.conf import settings
from django.urls import reverse

from incident_app.models import Incident, Step

from . import webhooks


def incident_data(incident: Incident) -> dict:
    return {
        "reference": incident.reference,
        "company": incident.company.name,
        "policy": incident.policy.number,
        "status": incident.status,
        "kinds": incident.kinds,
        "discovered_at": incident.discovered_at,
        "api_url": settings.SITE_URL + reverse("api:incident_detail", args=[incident.reference]),
    }


def step_data(step: Step) -> dict:
    return {
        "key": step.key,
        "title": step.text("title", "fr"),
        "status": step.status,
        "due_at": step.due_at,
        "done_at": step.done_at,
        "on_time": step.was_on_time(),
    }


def on_incident_declared(sender, incident, now, **kwargs):
    webhooks.enqueue("incident.declared", incident, {"incident": incident_data(incident)}, now)


def on_step_done(sender, incident, step, now, **kwargs):
    webhooks.enqueue(
        "step.done", incident, {"incident": incident_data(incident), "step": step_data(step)}, now
    )


def on_deadline_missed(sender, incident, step, now, **kwargs):
    webhooks.enqueue(
        "deadline.missed",
        incident,
        {"incident": incident_data(incident), "step": step_data(step)},
        now,
    )


def on_claim_state_changed(sender, incident, previous, state, now, **kwargs):
    webhooks.enqueue(
        "claim.state_changed",
        incident,
        {"incident": incident_data(incident), "previous": previous, "state": state},
        now,
    )


def on_dossier_ready(sender, dossier, incident, now, **kwargs):
    webhooks.enqueue(
        "dossier.ready",
        incident,
        {
            "incident": incident_data(incident),
            "dossier": {"version": dossier.version, "sha256": dossier.sha256},
        },
        now,
    )
