"""What every hotline service shares: who may do what, and the audit call."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.privacy.services import audit_record

# Who takes calls, dispatches them, walks patrols and records hazards.
DUTY_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
# Who plans rosters and approves swaps.
ROSTER_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})


def require_role(actor, roles: frozenset[str]) -> None:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise PermissionDenied(_("Your role does not allow this."))


def audit(actor, *, action: str, object_type: str, pk, channel: str, detail=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=pk,
        channel=channel,
        detail=detail,
    )
