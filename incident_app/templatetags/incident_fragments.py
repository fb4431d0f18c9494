"""``{% incident_fragment "name" vary… %}…{% end_incident_fragment %}``: a part of the incident
page cached until the incident changes (see ``incident_app.fragments`` for the key)."""

from django import template
from django.utils.safestring import mark_safe

from .. import fragments

register = template.Library()


class IncidentFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        incident = context.get("incident")
        if incident is None or not context.get("fragment_cache", False):
            return self.nodelist.render(context)
        vary = [value.resolve(context) for value in self.vary]

        def produce(placeholder):
            with context.push(csrf_token=placeholder):
                return self.nodelist.render(context)

        return mark_safe(  # noqa: S308 - HTML rendered by the template itself
            fragments.render(
                self.name.resolve(context),
                incident,
                context.get("fragment_viewer", ""),
                vary,
                produce,
                context.get("csrf_token", ""),
            )
        )


@register.tag("incident_fragment")
def incident_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("incident_fragment needs a name")
    nodelist = parser.parse(("end_incident_fragment",))
    parser.delete_first_token()
    return IncidentFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
