"""Casework's extension of the registry's scope (registry.selectors.register_scope_extension).

A worker or team leader reads the records of households actively paired with them,
wherever those households live: units' staff are paired with twinned villages far
from their own area. The pairing ending ends the reach. Registered in apps.py so that
registry never imports casework.
"""

from __future__ import annotations

from django.db.models import Q

from doorstep.casework.models import Pairing
from doorstep.casework.services.common import PAIRABLE_ROLES


def paired_households(user) -> Q | None:
    if getattr(user, "role", None) not in PAIRABLE_ROLES:
        return None
    return Q(pk__in=Pairing.objects.active().filter(worker_id=user.pk).values("household_id"))
