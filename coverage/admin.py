from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import BusinessInterruption, ConditionAttestation, Cost, Guarantee, Policy


class GuaranteeInline(admin.TabularInline):
    model = Guarantee
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "company",
        "broker",
        "insurer",
        "jurisdiction",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["jurisdiction", "insurer", "broker"]
    search_fields = ["number", "company__name", "broker__name", "insurer__name"]
    autocomplete_fields = ["company", "broker", "insurer"]
    inlines = [GuaranteeInline]


@admin.register(Guarantee)
class GuaranteeAdmin(admin.ModelAdmin):
    list_display = [
        "policy",
        "kind",
        "limit",
        "sublimit",
        "deductible_amount",
        "deductible_percent",
    ]
    list_filter = ["kind", "policy__insurer"]
    search_fields = ["policy__number", "policy__company__name"]


@admin.register(Cost)
class CostAdmin(ReadOnlyAdmin):
    """Read-only: a cost is recorded, or withdrawn with a reason, through the incident's
    pages, which journal each change; an edit or a deletion here would leave no trace."""

    list_display = [
        "incident",
        "guarantee",
        "supplier",
        "incurred_on",
        "amount_excl_vat",
        "amount_incl_vat",
        "counted",
        "withdrawn_at",
    ]
    list_filter = ["guarantee__kind", "counted"]
    search_fields = ["incident__reference", "supplier", "description"]
    date_hierarchy = "incurred_on"


@admin.register(BusinessInterruption)
class BusinessInterruptionAdmin(admin.ModelAdmin):
    list_display = ["incident", "started_at", "ended_at"]
    search_fields = ["incident__reference"]
    raw_id_fields = ["incident"]


@admin.register(ConditionAttestation)
class ConditionAttestationAdmin(admin.ModelAdmin):
    """Read-only: an attestation is the company's statement, kept as it was made."""

    list_display = ["incident", "guarantee", "attested_by", "attested_at"]
    search_fields = ["incident__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
