"""Screen readers read a field's help and its error: every aria-describedby names an element
of the page, with the ids Django's widgets point at (``<id>_helptext``, ``<id>_error``)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class Descriptions(HTMLParser):
    """The ids of a page, and what each described element points at."""

    def __init__(self, html):
        super().__init__()
        self.ids = set()
        self.described = []  # (id or tag name of the described element, referenced ids)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described.append((attrs.get("id", tag), attrs["aria-describedby"].split()))


def descriptions(response):
    page = Descriptions(response.text)
    missing = [
        (element, ref) for element, refs in page.described for ref in refs if ref not in page.ids
    ]
    assert not missing
    return page.described


def test_it_points_a_step_field_at_its_help(client_for, manager, incident):
    response = client_for(manager).get(reverse("step_detail", args=[incident.reference, "isolate"]))
    described = descriptions(response)
    assert ("id_done_at", ["id_done_at_helptext"]) in described
    # Isolating PCs has no police station to name: no example there.
    assert "id_proof_details_helptext" not in response.text
    response = client_for(manager).get(
        reverse("step_detail", args=[incident.reference, "complaint"])
    )
    assert ("id_proof_details", ["id_proof_details_helptext"]) in descriptions(response)
    assert "Par exemple le commissariat" in response.text


def test_it_points_a_refused_step_field_at_its_error(client_for, manager, incident):
    response = client_for(manager).post(
        reverse("step_complete", args=[incident.reference, "isolate"]),
        {"done_at": "hier soir"},
        **HTMX,
    )
    assert ("id_done_at", ["id_done_at_helptext", "id_done_at_error"]) in descriptions(response)
    assert 'aria-invalid="true"' in response.text


def test_it_points_the_declaration_fieldsets_at_their_help_and_errors(client_for, manager, policy):
    response = client_for(manager).post(reverse("incident_declare"), {})
    assert response.status_code == 400
    described = descriptions(response)
    assert ("fieldset", ["id_kinds_helptext", "id_kinds_error"]) in described
    assert ("fieldset", ["id_personal_data_helptext", "id_personal_data_error"]) in described


def test_it_points_the_cost_fields_at_their_errors(client_for, manager, incident):
    response = client_for(manager).post(reverse("cost_add", args=[incident.reference]), {})
    assert ("id_supplier", ["id_supplier_error"]) in descriptions(response)
