"""Service levels (how fast a need must be acknowledged and resolved) are seeded for
every category and urgency (migration 0002); administrators change their hours in
the product (administration pages and API). Whoever may do so is the caller's check
(administration.selectors.may_set_service_levels)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.casework.models import ServiceLevel
from doorstep.casework.services.common import require_role
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record

MAX_HOURS = 24 * 365


@transaction.atomic
def service_level_set(
    *,
    actor,
    level: ServiceLevel,
    acknowledge_hours: int,
    resolve_hours: int,
    supervisor_after_hours: int,
    channel: str,
) -> ServiceLevel:
    require_role(actor, frozenset({Role.ADMIN}))
    errors = {}
    for key, value in (
        ("acknowledge_hours", acknowledge_hours),
        ("resolve_hours", resolve_hours),
        ("supervisor_after_hours", supervisor_after_hours),
    ):
        if not 1 <= value <= MAX_HOURS:
            errors[key] = _("Enter a value between %(low)s and %(high)s.") % {
                "low": 1,
                "high": MAX_HOURS,
            }
    if not errors and resolve_hours < acknowledge_hours:
        errors["resolve_hours"] = _("Resolving cannot take less time than acknowledging.")
    if errors:
        raise ValidationError(errors)
    level.acknowledge_hours, level.resolve_hours = acknowledge_hours, resolve_hours
    level.supervisor_after_hours = supervisor_after_hours
    level.save(update_fields=["acknowledge_hours", "resolve_hours", "supervisor_after_hours"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="service_level",
        object_id=level.pk,
        channel=channel,
        detail={"ack": acknowledge_hours, "resolve": resolve_hours},
    )
    return level
