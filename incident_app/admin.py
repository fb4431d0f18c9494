from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import (
    CellInvitation,
    Evidence,
    Incident,
    JournalAlert,
    JournalEntry,
    Membership,
    Notification,
    Organisation,
    PushSubscription,
    Reminder,
    StaffAccess,
    Step,
    SweepRun,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "timezone", "nis2_entity"]
    list_filter = ["kind", "country", "nis2_entity"]
    search_fields = ["name", "registration_number"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "language")}),
        (_("SMS"), {"fields": ("mobile", "mobile_verified_at")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["order", "key", "status", "due_at", "done_at", "done_by", "proof_reference"]
    readonly_fields = fields
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    """Looked at, not edited: the facts are corrected on the incident's own page, which
    journals each change and recomputes the deadlines; an edit here would do neither."""

    list_display = [
        "reference",
        "company",
        "policy",
        "discovered_at",
        "personal_data",
        "status",
        "open_access",
    ]
    list_filter = ["status", "personal_data", "company__country"]
    search_fields = ["reference", "company__name", "policy__number"]
    exclude = ["playbook_snapshot"]
    inlines = [StepInline]

    @admin.display(description=_("page de l'incident"))
    def open_access(self, incident):
        # The incident's own pages open to staff only through this gate (a reason, a time).
        return format_html(
            '<a href="{}">{}</a>',
            reverse("staff_access", args=[incident.reference]),
            _("Demander l'accès"),
        )


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """Read-only: the journal is append-only, even for staff."""

    list_display = ["incident", "seq", "created_at", "actor_label", "kind", "text"]
    list_filter = ["kind"]
    search_fields = ["incident__reference", "text"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["incident", "original_name", "size", "sha256", "uploaded_at", "withdrawn_at"]
    search_fields = ["incident__reference", "original_name", "sha256"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["step", "offset_minutes", "fire_at", "claimed_at", "cancelled_at"]
    list_filter = ["offset_minutes"]
    search_fields = ["step__incident__reference", "step__key"]
    date_hierarchy = "fire_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "subject",
        "user",
        "channel",
        "created_at",
        "delivered_at",
        "lag",
        "attempts",
        "provider_status",
    ]
    list_filter = ["channel", "provider_status"]
    search_fields = ["incident__reference", "user__email", "subject"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdmin):
    """Devices are added by their owners from the app; staff may only look, or remove one."""

    list_display = ["user", "label", "created_at", "last_sent_at"]
    search_fields = ["user__email", "label"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_staff


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    """The sweep's heartbeat; the list's header shows backlog and lag percentiles."""

    list_display = [
        "started_at",
        "duration_ms",
        "claimed",
        "notifications",
        "stale",
        "failed",
        "redispatched",
    ]

    def changelist_view(self, request, extra_context=None):
        from .services.sweep import status

        extra_context = {**(extra_context or {}), "sweep_status": status()}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(StaffAccess)
class StaffAccessAdmin(ReadOnlyAdmin):
    list_display = ["incident", "user", "opened_at", "expires_at", "reason"]
    list_filter = ["opened_at"]
    search_fields = ["incident__reference", "user__email", "reason"]


@admin.register(CellInvitation)
class CellInvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "company", "incident", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["email", "company__name", "incident__reference"]


@admin.register(JournalAlert)
class JournalAlertAdmin(ReadOnlyAdmin):
    list_display = ["incident", "found_at", "description"]
    search_fields = ["incident__reference", "description"]
