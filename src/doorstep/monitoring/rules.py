"""Who may take which step, the order of the steps, and the figures a proposal carries.

Read by services (to refuse) and by pages (to offer only what the caller may do).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.areas.models import Area, AreaLevel
from doorstep.monitoring.models import CountyPolicy, MonitoringLine, Stage

# Who proposes, records the village review, the notice and objections, help, reviews.
FIELD_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
# Township review: team leaders and above, based at a township or higher.
TOWNSHIP_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
# County decision and the county's settings: supervisors and administrators.
COUNTY_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Setting a household's status by hand (lifted out of poverty, year): leaders.
STATUS_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})

_AT_OR_ABOVE_TOWNSHIP = {
    AreaLevel.REGION,
    AreaLevel.PREFECTURE,
    AreaLevel.COUNTY,
    AreaLevel.TOWNSHIP,
}
_AT_OR_ABOVE_COUNTY = {AreaLevel.REGION, AreaLevel.PREFECTURE, AreaLevel.COUNTY}


def county_of(area: Area) -> Area | None:
    if area.level == AreaLevel.COUNTY:
        return area
    for ancestor in area.ancestors():
        if ancestor.level == AreaLevel.COUNTY:
            return ancestor
    return None


def village_of(area: Area) -> Area:
    if area.level == AreaLevel.GRID and area.parent_id:
        return area.parent
    return area


def policy_for(county: Area) -> CountyPolicy:
    """The county's settings, or the defaults (unsaved) when none were set."""
    return CountyPolicy.objects.filter(county=county).first() or CountyPolicy(county=county)


def line_for(county: Area, year: int) -> Decimal | None:
    return (
        MonitoringLine.objects.filter(county=county, year=year)
        .values_list("amount", flat=True)
        .first()
    )


def stages_for(policy: CountyPolicy) -> list[str]:
    """The county's order of steps. The notice and the county decision always happen."""
    stages = []
    if policy.village_review:
        stages.append(Stage.VILLAGE_REVIEW)
    stages.append(Stage.NOTICE)
    if policy.township_review:
        stages.append(Stage.TOWNSHIP_REVIEW)
    stages.append(Stage.COUNTY_DECISION)
    return stages


def next_stage(policy: CountyPolicy, current: str) -> str:
    stages = stages_for(policy)
    index = stages.index(current)
    return stages[index + 1] if index + 1 < len(stages) else Stage.APPROVED


def may_take(user, stage: str) -> bool:
    """Whether the user's role and level may take this step (scope is checked apart)."""
    if not getattr(user, "is_authenticated", False) or not user.can_read_registry:
        return False
    if stage in (Stage.VILLAGE_REVIEW, Stage.NOTICE):
        return user.role in FIELD_ROLES
    if stage == Stage.TOWNSHIP_REVIEW:
        return user.role in TOWNSHIP_ROLES and user.area.level in _AT_OR_ABOVE_TOWNSHIP
    if stage == Stage.COUNTY_DECISION:
        return user.role in COUNTY_ROLES and user.area.level in _AT_OR_ABOVE_COUNTY
    return False


def refusal_for_role(stage: str) -> str:
    if stage == Stage.TOWNSHIP_REVIEW:
        return _(
            "Only a team leader or supervisor of the township or above takes the township review."
        )
    if stage == Stage.COUNTY_DECISION:
        return _("Only a supervisor of the county decides for the county.")
    return _("Your role does not allow this.")


def notice_ends(starts: dt.date, days: int) -> dt.date:
    return starts + dt.timedelta(days=days)
