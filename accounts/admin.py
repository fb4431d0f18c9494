"""Staff see the failed sign-ins that lock accounts and addresses out, and lift lockouts."""

from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@admin.register(AccessAttempt)
class LockoutAdmin(admin.ModelAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    ordering = ["-attempt_time"]
    actions = ["unlock"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Lever le blocage"), permissions=["delete"])
    def unlock(self, request, queryset):
        # Failures are what locks: forgetting them lets the account or address sign in.
        count, _ = queryset.delete()
        self.message_user(
            request,
            ngettext("%(count)d blocage levé.", "%(count)d blocages levés.", count)
            % {"count": count},
            messages.SUCCESS,
        )
