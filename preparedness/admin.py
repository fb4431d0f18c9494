from django.contrib import admin

from .models import DirectoryEntry, MessageTemplate, RosterEntry


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "company", "may_call_hotline"]
    list_filter = ["may_call_hotline"]


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "company"]
    list_filter = ["kind"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "company"]
