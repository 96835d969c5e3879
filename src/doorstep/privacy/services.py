from __future__ import annotations

from typing import Any

from doorstep.privacy.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: object = "",
    household_id: int | None = None,
    channel: str,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Callers run it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        household_id=household_id,
        channel=channel[:120],
        detail=detail or {},
    )
