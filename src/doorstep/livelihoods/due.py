"""Placement follow-ups on the worker's due list (casework.due_items hook)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from doorstep.casework.due_items import DueItem
from doorstep.casework.models import Pairing
from doorstep.livelihoods.models import PlacementFollowUp, PlacementStatus

# A follow-up shows a week before it is due, and stays until it is recorded.
SHOW_DAYS_AHEAD = 7


def open_follow_ups(worker, today: dt.date):
    """The follow-ups placement_follow_ups shows (also its casework.due_items probe):
    open, due within a week, of active placements the worker follows or of households
    paired with them; None for a caller who has none."""
    if not getattr(worker, "is_authenticated", False) or not worker.is_active:
        return None
    return PlacementFollowUp.objects.filter(
        done_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=SHOW_DAYS_AHEAD),
        placement__status=PlacementStatus.ACTIVE,
    ).filter(
        Q(placement__worker=worker)
        | Q(
            placement__household_id__in=Pairing.objects.active()
            .filter(worker=worker)
            .values("household_id")
        )
    )


def placement_follow_ups(worker, today: dt.date) -> list[DueItem]:
    """One query: the open follow-ups of placements the worker follows (or of households
    paired with them), the earliest per placement."""
    follow_ups = open_follow_ups(worker, today)
    if follow_ups is None:
        return []
    rows = follow_ups.select_related(
        "placement__household",
        "placement__opening__employer",
        "placement__seeker__resident",
    ).order_by("placement_id", "month")
    items: list[DueItem] = []
    seen: set[int] = set()
    for row in rows:
        if row.placement_id in seen:
            continue
        seen.add(row.placement_id)
        placement = row.placement
        items.append(
            DueItem(
                kind="placement_follow_up",
                label=_("Placement follow-up after %(months)s month(s)") % {"months": row.month},
                due_on=row.due_on,
                url=reverse("livelihoods:placement", args=[placement.pk]),
                household_id=placement.household_id,
                household_no=placement.household.household_no,
                head_name=placement.seeker.resident.name,
                detail=_("%(title)s at %(employer)s: still employed? wage?")
                % {"title": placement.opening.title, "employer": placement.opening.employer.name},
            )
        )
    return items
