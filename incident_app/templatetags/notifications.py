from django import template

from ..services.bell import unread_count

register = template.Library()


@register.inclusion_tag("incident_app/notifications/bell.html", takes_context=True)
def notification_bell(context):
    """The bell of the header, with the signed-in user's unread count."""
    user = context["request"].user
    return {"unread": unread_count(user) if user.is_authenticated else 0}
