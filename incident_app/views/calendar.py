"""The private iCalendar feed of a user's deadlines, and the page to get or revoke it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import User
from ..services import ical


@login_required
def calendar_settings(request):
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            ical.regenerate(user)
            messages.success(request, _("Nouvelle adresse créée. L'ancienne ne fonctionne plus."))
        elif action == "revoke":
            ical.revoke(user)
            messages.success(request, _("Adresse supprimée : le calendrier n'est plus publié."))
        else:
            messages.error(request, _("Action inconnue : rien n'a été modifié."))
        return redirect("calendar")
    feed_url = (
        settings.SITE_URL + reverse("calendar_feed", kwargs={"token": user.calendar_token})
        if user.calendar_token
        else None
    )
    return render(request, "incident_app/notifications/calendar.html", {"feed_url": feed_url})


@require_GET
def calendar_feed(request, token):
    # No session here: calendar apps fetch the address on their own; the token is the key.
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not token:
        raise Http404
    response = HttpResponse(ical.feed(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="riposte.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
