"""In-app notifications: the bell, the list, marking read, and how each reminder comes."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..models import Notification, ReminderPreference
from ..services import notify, reminders
from ..services.bell import counts_changed, in_app, unread_count
from . import reach

LIST_LIMIT = 100


def _list_context(user) -> dict:
    notifications = list(
        in_app(user).select_related("incident", "incident__company", "step")[:LIST_LIMIT]
    )
    for notification in notifications:
        notification.incident_path = notify.incident_path(notification.incident)
    return {"notifications": notifications, "unread": unread_count(user)}


@login_required
@require_GET
def notification_list(request):
    return render(request, "incident_app/notifications/list.html", _list_context(request.user))


@login_required
@require_GET
def notification_bell(request):
    return render(
        request,
        "incident_app/notifications/bell.html",
        {"unread": unread_count(request.user)},
    )


@login_required
@require_POST
def notification_read(request, pk):
    # Another user's notification is a 404, like anything a user may not see.
    notification = get_object_or_404(in_app(request.user), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
        counts_changed([request.user.pk])
    return _after_read(request)


@login_required
@require_POST
def notifications_read_all(request):
    if in_app(request.user).filter(read_at__isnull=True).update(read_at=timezone.now()):
        counts_changed([request.user.pk])
    return _after_read(request)


def _after_read(request):
    if request.htmx:
        response = render(
            request,
            "incident_app/notifications/list.html#items",
            _list_context(request.user),
        )
        # The bell listens for this event and refreshes its count at once.
        response["HX-Trigger"] = "notifications-read"
        return response
    return redirect("notifications")


class PreferenceForm(forms.Form):
    email = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Rappels reçus par e-mail"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sms = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Rappels reçus par SMS"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    push = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Rappels reçus en notification sur vos appareils"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        before = [
            (offset, _("%(offset)s avant l'échéance") % {"offset": label})
            for offset, label in reminders.kinds()
        ]
        self.fields["email"].choices = before
        self.fields["push"].choices = before
        self.fields["sms"].choices = [*before, (0, _("À l'échéance dépassée"))]


@login_required
def notification_preferences(request):
    preference, _created = ReminderPreference.objects.get_or_create(user=request.user)
    offsets = [offset for offset, _label in reminders.kinds()]
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            chosen = set(form.cleaned_data["email"])
            preference.muted_email_offsets = sorted(set(offsets) - chosen)
            preference.muted_push_offsets = sorted(set(offsets) - set(form.cleaned_data["push"]))
            preference.sms_offsets = sorted(set(form.cleaned_data["sms"]), reverse=True)
            preference.save(
                update_fields=["muted_email_offsets", "muted_push_offsets", "sms_offsets"]
            )
            messages.success(request, _("Vos préférences de rappel sont enregistrées."))
            return redirect("notification_preferences")
    else:
        form = PreferenceForm(
            initial={
                "email": [o for o in offsets if o not in preference.muted_email_offsets],
                "push": [o for o in offsets if o not in preference.muted_push_offsets],
                "sms": preference.sms_offsets,
            }
        )
    user = request.user
    pending = request.session.get(reach.SESSION_KEY)
    return render(
        request,
        "incident_app/notifications/preferences.html",
        {
            "form": form,
            "mobile_form": reach.MobileForm(
                initial={"mobile": user.mobile} if user.mobile else None
            ),
            "code_form": reach.CodeForm(),
            "code_pending": bool(
                pending and user.mobile and pending.get("mobile") == user.mobile.as_e164
            ),
            "vapid_public_key": settings.RIPOSTE_VAPID_PUBLIC_KEY,
            "devices": user.push_subscriptions.all(),
        },
    )
