"""Coverage on other pages: the conditions that protect the cover, and amounts in euros."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from core.language import language_code
from coverage.indemnity import format_eur
from coverage.services import protective_conditions

register = template.Library()


def _lang() -> str:
    try:
        return language_code(get_language() or "fr")
    except ValueError:
        return "fr"


@register.inclusion_tag("coverage/_incident_conditions.html")
def coverage_conditions(incident, steps=None, evidence=None, oob=False):
    """``{% coverage_conditions incident %}``: the conditions of the cover, with their status.

    For the incident page and the dossier, which show the conditions without the costs. A page
    that already read the incident's steps and evidence passes them
    (``{% coverage_conditions incident steps=all_steps evidence=evidence %}``) so they are not
    read twice.
    """
    conditions, advice = protective_conditions(
        incident, lang=_lang(), steps=steps, evidence=evidence
    )
    return {
        "incident": incident,
        "conditions": conditions,
        "advice": advice,
        "linked": True,
        "oob": oob,
    }


@register.filter
def eur(amount):
    """``{{ amount|eur }}``: euros rounded to the cent, in the page's language."""
    if amount is None or amount == "":
        return "—"
    return format_eur(Decimal(amount), _lang())


@register.filter
def percent(value):
    """``{{ value|percent }}``: "10 %" / "10%" without trailing zeros."""
    from coverage.indemnity import format_number

    if value is None:
        return "—"
    lang = _lang()
    return (
        f"{format_number(Decimal(value), lang)}\u00a0%"
        if lang == "fr"
        else f"{format_number(Decimal(value), lang)}%"
    )
