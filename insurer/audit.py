"""Deadline compliance across an insurer's portfolio."""

from django.db.models import Count, Min, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from core.language import reader_language
from incident_app.models import Step


def compliance_by_step(incidents):
    """Per step with a deadline: how many, how many done, how many done late.

    One row per step as the reader knows it, by its title: a step whose title names the
    authority (the CNIL in France, the CNPD in Luxembourg) has one row per authority.
    """
    steps = Step.objects.filter(incident__in=incidents, applicable=True, due_at__isnull=False)
    language = reader_language()
    return (
        steps.annotate(
            title=Coalesce(KT(f"definition__title__{language}"), KT("definition__title__fr"))
        )
        .values("key", "title")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status="done")),
            # Late as the steps judge it (``Step.deadline_state``): the due moment is on time.
            late=Count("id", filter=Step.done_late_q()),
            first=Min("order"),
        )
        .order_by("first", "title")
    )
