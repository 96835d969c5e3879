from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")


class AuditEvent(models.Model):
    """Who read or changed which person's record, when, and through which screen or endpoint.

    Rows are only ever inserted. Residents see the reads of their own record from it
    (privacy issue), so `household_id` is denormalized onto every event.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, blank=True)
    household_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=120, help_text=_("page or API endpoint"))
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["household_id", "at"], name="audit_household_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type} {self.object_id}"
