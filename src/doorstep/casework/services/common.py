"""What every casework service shares: who may do what, replays, and the conflict error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.accounts.models import Role

# Who pairs workers with households (by hand, one by one or in bulk).
PAIRING_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
# Who can be paired with a household.
PAIRABLE_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER})
# Who logs contacts, opens needs and moves them along.
CASEWORK_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
# Who sets visit policies and welfare-check rounds.
POLICY_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def require_role(actor, roles: frozenset[str]) -> None:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise PermissionDenied(_("Your role does not allow this."))


def replayed(model: type[models.Model], *, client_id, **owner: Any):
    """The row an earlier submission with the same client UUID created, if any.

    Offline phones resend what they never saw answered; the second send returns the
    first row instead of creating another. The unique constraint on (owner, client_id)
    backs this check against two sends racing each other.
    """
    if client_id is None:
        return None
    return model.objects.filter(client_id=client_id, **owner).first()


@dataclass
class NeedConflict(Exception):
    """Someone else changed the need after the caller read it. Nothing was written."""

    current: Any
    changed_fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _("Someone else changed this need after you opened it.")


# Training is always voluntary (our line): one message for referrals and enrolments.
M_TRAINING_VOLUNTARY = gettext_lazy(
    "Training is voluntary: ask the resident first, and record here that they agreed. "
    "Without their agreement nobody is referred to a vocational skills school or "
    "enrolled in a course."
)
