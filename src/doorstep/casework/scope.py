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
    # A list of ids, not a subquery: "area range OR id IN (subquery)" keeps PostgreSQL
    # from using the scope index at all (it filtered 800,000 rows, 300 ms, for every
    # worker's list on the 1.69M-household region). With literal ids it combines two
    # index scans, and with none there is no OR. A worker has at most a few dozen
    # pairings (DOORSTEP_PAIRING_CAPACITY), so one small indexed query pays for this.
    ids = list(
        Pairing.objects.active().filter(worker_id=user.pk).values_list("household_id", flat=True)
    )
    return Q(pk__in=ids) if ids else None
