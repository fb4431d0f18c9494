from django.contrib import admin

from .models import ClaimDossier


@admin.register(ClaimDossier)
class ClaimDossierAdmin(admin.ModelAdmin):
    list_display = ["incident", "version", "status", "generated_at", "sha256"]
    list_filter = ["status"]
