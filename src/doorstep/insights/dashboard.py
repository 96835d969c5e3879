"""A dashboard as the page, the API and the reports show it: figures, targets,
departments, child areas and the time series, each passed through the suppression
rule for the viewer. Pages and the API both call `area_dashboard` / `worker_dashboard`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from doorstep.areas.models import Area, AreaLevel
from doorstep.insights import figures as fig
from doorstep.insights import livelihoods_link, monitoring_link
from doorstep.insights.models import RollupRun
from doorstep.insights.periods import Period
from doorstep.insights.selectors import team_areas_within
from doorstep.insights.suppression import suppress, suppresses_for

LEVEL_WORKER = "worker"
LEVEL_TEAM = "team"


def level_label(level: str) -> str:
    if level == LEVEL_WORKER:
        return _("Worker")
    if level == LEVEL_TEAM:
        return _("Team")
    return str(AreaLevel(level).label)


@dataclass
class Dashboard:
    level: str
    period: Period
    suppressed: bool
    values: dict  # presented (suppressed for analysts)
    figures: fig.Figures  # raw, for reports and tests; never rendered as is
    targets: list[dict]
    units: list[dict]
    children: list[dict] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    freshness: RollupRun | None = None
    livelihoods: dict | None = None
    monitoring: dict | None = None  # presented, like livelihoods
    area: Area | None = None
    worker: object | None = None

    @property
    def level_label(self) -> str:
        return level_label(self.level)


def series_step(period: Period) -> str:
    if period.days <= 62:
        return "day"
    if period.days <= 400:
        return "week"
    return "month"


def _bucket(day: dt.date, step: str) -> dt.date:
    if step == "week":
        return day - dt.timedelta(days=day.weekday())
    if step == "month":
        return day.replace(day=1)
    return day


def present_series(series: list[tuple], period: Period, *, active: bool) -> list[dict]:
    """Per day, week or month (by the period's length), suppressed for analysts."""
    step = series_step(period)
    buckets: dict[dt.date, list[int]] = {}
    for day, contacts, opened, resolved in series:
        b = buckets.setdefault(_bucket(day, step), [0, 0, 0])
        b[0] += contacts
        b[1] += opened
        b[2] += resolved
    return [
        {
            "start": start.isoformat(),
            "contacts": suppress(v[0], active=active),
            "needs_opened": suppress(v[1], active=active),
            "needs_resolved": suppress(v[2], active=active),
        }
        for start, v in sorted(buckets.items())
    ]


def area_level(area: Area) -> str:
    return LEVEL_TEAM if team_areas_within(area).filter(pk=area.pk).exists() else area.level


def area_dashboard(user, area: Area, period: Period) -> Dashboard:
    active = suppresses_for(user)
    figures = fig.area_figures(area, period)
    targets = fig.targets_for(area, figures)
    children = [
        {"area": row.area, "values": fig.present(row.values, active=active)}
        for row in fig.area_children(area, period)
    ]
    livelihoods = livelihoods_link.area_figures(area, period)
    monitoring = monitoring_link.area_figures(area, period)
    return Dashboard(
        level=area_level(area),
        period=period,
        suppressed=active,
        values=fig.present(figures.values, active=active),
        figures=figures,
        targets=fig.present_targets(targets, figures.values, active=active),
        units=fig.present_units(figures.units, active=active),
        children=children,
        series=present_series(figures.series, period, active=active),
        freshness=fig.freshness(),
        livelihoods=(fig.present(livelihoods, active=active) if livelihoods is not None else None),
        monitoring=(fig.present(monitoring, active=active) if monitoring is not None else None),
        area=area,
    )


def worker_dashboard(user, worker, period: Period) -> Dashboard:
    figures = fig.worker_figures(worker, period)
    values = {k: v for k, v in figures.values.items() if k not in fig.AREA_ONLY}
    return Dashboard(
        level=LEVEL_WORKER,
        period=period,
        suppressed=False,  # analysts never see a worker's dashboard
        values=values,
        figures=figures,
        targets=fig.targets_for(worker.area, figures) if worker.area_id else [],
        units=figures.units,
        series=present_series(figures.series, period, active=False),
        worker=worker,
    )


def labelled(values: dict) -> list[tuple[str, str, object]]:
    """(name, label, value) in the page's order, for tables and exports."""
    return [
        (name, label, values[name])
        for name, (label, _basis) in fig.FIGURES.items()
        if name in values
    ]
