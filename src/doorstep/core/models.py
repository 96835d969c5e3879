from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """The first answer to a write sent with an Idempotency-Key header.

    A field client on a bad connection resends a write it never saw answered; the
    replay finds this row and gets the first answer back instead of a second
    household. The row is written in the same transaction as the write it records
    (core.idempotency), so a rolled-back write leaves no key behind.
    """

    # A staff account, or a resident through the portal (registry.Resident id, no
    # foreign key: core imports no other app).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
    )
    resident_id = models.BigIntegerField(null=True, blank=True)
    key = models.UUIDField(_("idempotency key"))
    # "POST /api/v1/households": a key reused on another endpoint is refused.
    endpoint = models.CharField(max_length=200)
    # SHA-256 of the request body: a key reused with another body is refused.
    request_digest = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
            models.UniqueConstraint(
                fields=["resident_id", "key"],
                condition=models.Q(resident_id__isnull=False),
                name="idempotency_key_once_per_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key} {self.endpoint}"


class PeriodicRun(models.Model):
    """When a periodic task (core.periodic) was last enqueued. The row is the claim:
    a runner enqueues only if its conditional UPDATE of `last_enqueued_at` won."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic task")
        verbose_name_plural = _("periodic tasks")

    def __str__(self) -> str:
        return f"{self.name} {self.last_enqueued_at or ''}"
