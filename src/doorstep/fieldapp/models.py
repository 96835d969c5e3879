"""A sync point: what a phone was sent, so the next delta knows what left the caseload.

The field app's cursor names a sync point. The point keeps the caseload (household ids)
at that moment and the ids of the cards to send in this sync; the next sync compares
its caseload with the point's to say which households to remove from the phone.
Points older than SYNC_POINT_DAYS are deleted when the same user syncs again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SyncPoint(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    created_at = models.DateTimeField(editable=False)
    # Changes after this instant are in the next delta (a little overlap, see services).
    since = models.DateTimeField(null=True, editable=False)
    caseload = models.JSONField(default=list, editable=False)
    send = models.JSONField(default=list, editable=False)
    removed = models.JSONField(default=list, editable=False)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="syncpoint_user_at")]

    def __str__(self) -> str:
        return f"sync {self.pk} of {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
