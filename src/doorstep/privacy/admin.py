"""The audit log in the admin: read-only for everyone, administrators included (the
database refuses changes anyway: migration 0003)."""

from django.contrib import admin

from doorstep.privacy.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "at",
        "actor",
        "by_resident_id",
        "action",
        "object_type",
        "object_id",
        "channel",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "channel")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
