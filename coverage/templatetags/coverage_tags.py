"""Coverage on other pages: the conditions that protect the cover, and amounts in euros."""

from decimal import Decimal

from django import template

from core.language import reader_language
from coverage.indemnity import format_eur
from coverage.services.conditions import protective_conditions

register = template.Library()


@register.inclusion_tag("coverage/_incident_conditions.html")
def coverage_conditions(incident, steps=None, evidence=None, oob=False):
    """``{% coverage_conditions incident %}``: the conditions of the cover, with their status.

    For the incident page and the dossier, which show the conditions without the costs. A page
    that already read the incident's steps and evidence passes them
    (``{% coverage_conditions incident steps=all_steps evidence=evidence %}``) so they are not
    read twice.
    """
    conditions, advice = protective_conditions(
        incident, lang=reader_language(), steps=steps, evidence=evidence
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
    return format_eur(Decimal(amount), reader_language())


@register.filter
def percent(value):
    """``{{ value|percent }}``: "10 %" / "10%" without trailing zeros."""
    from coverage.indemnity import format_number

    if value is None:
        return "—"
    lang = reader_language()
    return (
        f"{format_number(Decimal(value), lang)}\u00a0%"
        if lang == "fr"
        else f"{format_number(Decimal(value), lang)}%"
    )
