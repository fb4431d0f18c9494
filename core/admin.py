from django.contrib import admin

from .models import SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as they were written (journal, evidence, reminders): looked at, never
    edited by hand, even by staff."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The security log, for staff: sign-ins, refusals, downloads and exports."""

    list_display = ("at", "kind", "username", "ip", "target", "path")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip", "target", "path")
    date_hierarchy = "at"
