"""Quarterly and annual assessment of a team and its team leader, generated from the
records: what was done, figures against targets, how the team compares with the
county's other teams, and open problems.

Every number comes from insights.dashboard / insights.figures for the same period, so
the report and the team's dashboard agree (tests/test_reports.py holds them equal);
nothing is typed in. The PDF and XLSX files are exports.py's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.areas.models import Area
from doorstep.insights import dashboard as dash
from doorstep.insights import figures as fig
from doorstep.insights import selectors
from doorstep.insights.periods import Period, year_period
from doorstep.insights.periods import quarter as quarter_period
from doorstep.insights.suppression import suppresses_for

# Figures ranked across the county's teams, and which way is better.
RANKED = {
    "coverage": True,
    "resolved_share": True,
    "median_resolve_hours": False,
    "satisfaction": True,
    "breaches_per_100": False,
}
COMPARED = [
    "households",
    "coverage",
    "contacts",
    "needs_opened",
    "needs_resolved",
    "resolved_share",
    "median_resolve_hours",
    "breaches",
    "satisfaction",
    "open_needs",
]
LEADER_FIGURES = [
    "contacts",
    "visits",
    "needs_opened",
    "needs_resolved",
    "median_resolve_hours",
    "satisfaction",
]


@dataclass
class Report:
    kind: str  # "quarterly" or "annual"
    team: Area
    county: Area | None
    period: Period
    year: int
    quarter: int | None
    board: dash.Dashboard
    leaders: list[dict]
    comparison: list[dict]
    ranks: dict[str, tuple[int, int]]
    open_problems: dict
    generated_at: dt.datetime
    suppressed: bool
    quarters: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.kind == "annual":
            return _("Annual assessment %(year)s: %(team)s") % {
                "year": self.year,
                "team": self.team.name,
            }
        return _("Assessment of quarter %(quarter)s of %(year)s: %(team)s") % {
            "quarter": self.quarter,
            "year": self.year,
            "team": self.team.name,
        }

    @property
    def filename(self) -> str:
        suffix = f"{self.year}" if self.kind == "annual" else f"{self.year}-Q{self.quarter}"
        return f"assessment-{self.team.code}-{suffix}"


def _check(year: int, number: int | None) -> None:
    errors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = _("Enter a year between 2000 and 2100.")
    if number is not None and not 1 <= number <= 4:
        errors["quarter"] = _("A quarter is 1, 2, 3 or 4.")
    if errors:
        raise ValidationError(errors)


def _ranks(team: Area, compared: dict[int, fig.Figures]) -> dict[str, tuple[int, int]]:
    ranks = {}
    for name, higher_better in RANKED.items():
        scored = [
            (f.values.get(name), pk) for pk, f in compared.items() if f.values.get(name) is not None
        ]
        own = compared.get(team.pk)
        if own is None or own.values.get(name) is None:
            continue
        value = own.values[name]
        better = sum(1 for v, _pk in scored if (v > value if higher_better else v < value))
        ranks[name] = (better + 1, len(scored))
    return ranks


def team_report(user, team: Area, *, year: int, quarter: int | None = None) -> Report:
    """`quarter` None: the annual report, with the four quarters beside the year."""
    _check(year, quarter)
    active = suppresses_for(user)
    period = year_period(year) if quarter is None else quarter_period(year, quarter)
    board = dash.area_dashboard(user, team, period)
    county = selectors.county_of(team)
    peers = list(selectors.team_areas_within(county or team.parent or team))
    if team not in peers:
        peers.append(team)
    compared = fig.areas_compared(peers, period)
    comparison = [
        {
            "area": peer,
            "is_self": peer.pk == team.pk,
            "values": fig.present(
                {k: compared[peer.pk].values.get(k) for k in COMPARED}
                | {
                    "covered": compared[peer.pk].values.get("covered"),
                    "breaches": compared[peer.pk].values.get("breaches"),
                    "feedback": compared[peer.pk].values.get("feedback"),
                },
                active=active,
            ),
        }
        for peer in peers
    ]
    leaders = []
    for leader in selectors.team_leaders_of(team):
        work = fig.worker_figures(leader, period)
        leaders.append(
            {
                "name": leader.get_full_name() or leader.username,
                "values": fig.present(
                    {k: work.values.get(k) for k in LEADER_FIGURES}
                    | {"feedback": work.values.get("feedback")},
                    active=active,
                ),
            }
        )
    values = board.values
    missed = [t for t in board.targets if t["met"] is False]
    open_problems = {
        "long_open_needs": values.get("long_open_needs"),
        "overdue": values.get("overdue"),
        "referrals_overdue": values.get("referrals_overdue"),
        "breaches": values.get("breaches"),
        "missed_targets": missed,
        "needs": selectors.long_open_needs(user, team, limit=20),
    }
    quarters = []
    if quarter is None:
        for number in range(1, 5):
            q = quarter_period(year, number)
            figures = fig.area_figures(team, q)
            quarters.append(
                {
                    "quarter": number,
                    "period": q,
                    "values": fig.present(figures.values, active=active),
                }
            )
    return Report(
        kind="annual" if quarter is None else "quarterly",
        team=team,
        county=county,
        period=period,
        year=year,
        quarter=quarter,
        board=board,
        leaders=leaders,
        comparison=comparison,
        ranks=_ranks(team, compared),
        open_problems=open_problems,
        generated_at=timezone.now(),
        suppressed=active,
        quarters=quarters,
    )
