"""Households of an area by vulnerability category and programme status (issue #13):
what a director planning a welfare round needs without paging through lists.

Read live from the registry (not the nightly rollup): two GROUP BYs on the area's path
range, whatever the area's size. A household counts once under a category whether the
category is its own or one or more members'; `residents` counts the people holding a
person's category. Scope and roles as the area dashboard (insights.selectors:
team leaders, supervisors, administrators, analysts; 404 outside); analysts' counts
pass through insights.suppression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from doorstep.areas.models import Area
from doorstep.insights.suppression import SUPPRESSED, suppress, suppresses_for
from doorstep.registry.models import (
    HOUSEHOLD_VULNERABILITIES,
    Household,
    HouseholdVulnerability,
    ProgrammeStatus,
    Vulnerability,
    households_under,
)

STATUSES = tuple(ProgrammeStatus.values)


@dataclass
class CategoryCount:
    category: str
    label: Any
    applies_to: str  # "person" or "household"
    by_status: dict[str, Any]  # status -> count (or "<5")
    total: Any
    residents: Any  # people holding it; None for a household's category


@dataclass
class HouseholdCounts:
    area: Area
    suppressed: bool
    by_status: dict[str, Any]
    total: Any
    categories: list[CategoryCount] = field(default_factory=list)


def _suppressed_row(by_status: dict[str, int], total: int, active: bool):
    """Suppress each count; and the total too when exactly one status is suppressed
    (total minus the other would give it away)."""
    shown = {s: suppress(n, active=active) for s, n in by_status.items()}
    hidden = [s for s, v in shown.items() if v == SUPPRESSED]
    shown_total = suppress(total, active=active)
    if active and hidden and len(hidden) < len(shown):
        shown_total = SUPPRESSED
    return shown, shown_total


def household_counts(user, area: Area) -> HouseholdCounts:
    """`area` must come from insights.selectors.dashboard_area_for (scope checked)."""
    active = suppresses_for(user)
    statuses = dict.fromkeys(STATUSES, 0)
    for status, n in (
        Household.objects.filter(households_under(area))
        .order_by()
        .values_list("programme_status")
        .annotate(n=Count("pk"))
    ):
        statuses[status] = n
    grid: dict[str, dict[str, int]] = {c: dict.fromkeys(STATUSES, 0) for c in Vulnerability.values}
    people: dict[str, int] = dict.fromkeys(Vulnerability.values, 0)
    for category, status, households, residents in (
        HouseholdVulnerability.objects.filter(households_under(area, via="household__"))
        .order_by()
        .values_list("category", "household__programme_status")
        .annotate(
            households=Count("household", distinct=True),
            residents=Count("resident", distinct=True),
        )
    ):
        grid[category][status] = households
        people[category] += residents
    by_status, total = _suppressed_row(statuses, sum(statuses.values()), active)
    counts = HouseholdCounts(area=area, suppressed=active, by_status=by_status, total=total)
    for code, label in Vulnerability.choices:
        row, row_total = _suppressed_row(grid[code], sum(grid[code].values()), active)
        household_wide = code in HOUSEHOLD_VULNERABILITIES
        counts.categories.append(
            CategoryCount(
                category=code,
                label=label,
                applies_to="household" if household_wide else "person",
                by_status=row,
                total=row_total,
                residents=None if household_wide else suppress(people[code], active=active),
            )
        )
    return counts
