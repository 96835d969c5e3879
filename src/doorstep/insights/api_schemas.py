"""Input and output schemas of /api/v1/insights. A figure is a number, "<5" when an
analyst's view suppresses it, or null when there is no data."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from doorstep.core.schemas import DAY_PATTERN

Figure = int | float | str | None


class PeriodQuery(Schema):
    period: Literal["week", "month", "quarter", "year", "custom"] = Field(
        "month", description="Which period: around `date`, or from `from` to `to` (custom)."
    )
    date: str = Field(
        "",
        description="Any day of the period (YYYY-MM-DD); today if empty.",
        json_schema_extra={"pattern": DAY_PATTERN},
    )
    from_: str = Field(
        "",
        alias="from",
        description="Custom: first day (YYYY-MM-DD).",
        json_schema_extra={"pattern": DAY_PATTERN},
    )
    to: str = Field(
        "",
        description="Custom: last day (YYYY-MM-DD), at most three years on.",
        json_schema_extra={"pattern": DAY_PATTERN},
    )


class ReportQuery(Schema):
    quarter: int | None = Field(None, description="1 to 4; empty for the annual report.")


class ReportFileQuery(ReportQuery):
    format: Literal["pdf", "xlsx"] = "pdf"
    lang: Literal["zh-hans", "en", "ug"] = "zh-hans"


class AreaRef(Schema):
    id: int
    code: str
    name: str
    level: str


class PeriodOut(Schema):
    kind: str
    start: dt.date
    end: dt.date


class TargetOut(Schema):
    metric: str
    label: str
    direction: str
    target: float
    value: Figure
    met: bool | None


class InsightsUnitOut(Schema):
    unit_id: int
    name: str
    referrals: Figure
    answered: Figure
    answered_late: Figure
    declined: Figure
    mean_answer_hours: Figure


class ChildOut(Schema):
    id: int
    name: str
    level: str
    url: str
    values: dict[str, Figure]


class SeriesPoint(Schema):
    start: dt.date
    contacts: Figure
    needs_opened: Figure
    needs_resolved: Figure


class DashboardOut(Schema):
    level: str
    level_label: str
    area: AreaRef | None
    worker_id: int | None
    period: PeriodOut
    suppressed: bool = Field(description='True for analysts: counts under 5 read "<5".')
    refreshed_at: dt.datetime | None = Field(description="When the summaries were last refreshed.")
    snapshot_day: dt.date | None = Field(description="Day of the households and open needs.")
    figures: dict[str, Figure]
    targets: list[TargetOut]
    units: list[InsightsUnitOut]
    children: list[ChildOut]
    series: list[SeriesPoint]
    livelihoods: dict[str, Figure] | None
    # Poverty monitoring (insights/monitoring_link.py); None without the app.
    monitoring: dict[str, Figure] | None = None


class MapHousehold(Schema):
    id: int
    household_no: str
    lat: float
    lng: float
    url: str


class MapNeed(Schema):
    id: int
    household_id: int
    category: str
    lat: float
    lng: float
    url: str


class MapArea(Schema):
    id: int
    name: str
    lat: float
    lng: float
    households: Figure
    open_needs: Figure
    url: str


class MapOut(Schema):
    households: list[MapHousehold]
    needs: list[MapNeed]
    areas: list[MapArea]
    truncated: bool = Field(description="True when more points exist than were sent.")


class InsightsTeamOut(Schema):
    area: AreaRef
    leaders: list[str]


class TeamListOut(Schema):
    teams: list[InsightsTeamOut]


class LeaderOut(Schema):
    name: str
    figures: dict[str, Figure]


class ComparisonOut(Schema):
    area: AreaRef
    is_self: bool
    figures: dict[str, Figure]


class RankOut(Schema):
    place: int
    of: int


class ProblemNeedOut(Schema):
    id: int
    title: str
    household_no: str
    category: str
    opened_at: dt.datetime


class OpenProblemsOut(Schema):
    long_open_needs: Figure
    overdue: Figure
    referrals_overdue: Figure
    breaches: Figure
    missed_targets: list[str]
    needs: list[ProblemNeedOut]


class QuarterOut(Schema):
    quarter: int
    figures: dict[str, Figure]


class ReportOut(Schema):
    kind: str
    title: str
    team: AreaRef
    county: AreaRef | None
    period: PeriodOut
    leaders: list[LeaderOut]
    dashboard: DashboardOut
    comparison: list[ComparisonOut]
    ranks: dict[str, RankOut]
    open_problems: OpenProblemsOut
    quarters: list[QuarterOut]


# --- households by category and status (issue #13) ------------------------------------


class HouseholdCountsByStatus(Schema):
    active: Figure = Field(description="Households in the programme.")
    left: Figure = Field(description="Households that left the programme.")
    total: Figure


class HouseholdCategoryCountOut(Schema):
    category: str = Field(description="Vulnerability category code.")
    label: str
    applies_to: Literal["person", "household"] = Field(
        description="A person's category (recorded on a resident) or the household's own."
    )
    households: HouseholdCountsByStatus = Field(
        description="Households with the category (their own or any member's), each once."
    )
    residents: Figure = Field(description="People with a person's category; null otherwise.")


class HouseholdCountsOut(Schema):
    area: AreaRef
    suppressed: bool = Field(description='Counts under 5 read "<5" (analysts).')
    households: HouseholdCountsByStatus
    categories: list[HouseholdCategoryCountOut]
