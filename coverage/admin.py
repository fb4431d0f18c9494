from django.contrib import admin

from .models import Guarantee, Policy


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
