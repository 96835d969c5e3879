"""/api/v1/insights: dashboards (an area at any level, a worker), the map's points,
the teams of an area and their assessment reports (JSON, PDF, XLSX).

Scope as on the pages (insights.selectors): 404 outside it; analysts get suppressed
figures (counts under 5 read "<5") and no household, need or worker.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router

from doorstep.areas.models import Area
from doorstep.core.schemas import MAX_ID, error_responses
from doorstep.insights import dashboard as dash
from doorstep.insights import exports, reports, selectors
from doorstep.insights import figures as fig
from doorstep.insights.api_schemas import (
    DashboardOut,
    HouseholdCountsOut,
    MapOut,
    PeriodQuery,
    ReportFileQuery,
    ReportOut,
    ReportQuery,
    TeamListOut,
)
from doorstep.insights.household_counts import HouseholdCounts, household_counts
from doorstep.insights.periods import parse_period, period_around
from doorstep.insights.suppression import suppresses_for

router = Router()

AreaId = Annotated[int, Path(ge=1, le=MAX_ID, description="Area id.")]
WorkerId = Annotated[int, Path(ge=1, le=MAX_ID, description="Staff account id.")]
Year = Annotated[int, Path(ge=2000, le=2100, description="Year.")]


def _period(query: PeriodQuery):
    return parse_period(
        {"period": query.period, "date": query.date, "from": query.from_, "to": query.to}
    )


def _area_ref(area: Area | None) -> dict | None:
    if area is None:
        return None
    return {"id": area.pk, "code": area.code, "name": area.name, "level": area.level}


def _period_out(period) -> dict:
    return {"kind": period.kind, "start": period.start, "end": period.end}


def dashboard_body(board: dash.Dashboard) -> dict:
    query = board.period.params()
    return {
        "level": board.level,
        "level_label": board.level_label,
        "area": _area_ref(board.area),
        "worker_id": board.worker.pk if board.worker is not None else None,
        "period": _period_out(board.period),
        "suppressed": board.suppressed,
        "refreshed_at": board.freshness.finished_at if board.freshness else None,
        "snapshot_day": board.figures.snapshot_day,
        "figures": board.values,
        "targets": [{**t, "label": str(t["label"])} for t in board.targets],
        "units": board.units,
        "children": [
            {
                "id": row["area"].pk,
                "name": row["area"].name,
                "level": row["area"].level,
                "url": reverse("insights:area", args=[row["area"].pk])
                + "?"
                + "&".join(f"{k}={v}" for k, v in query.items()),
                "values": row["values"],
            }
            for row in board.children
        ],
        "series": board.series,
        "livelihoods": board.livelihoods,
        "monitoring": board.monitoring,
    }


@router.get(
    "/areas/{area_id}/dashboard",
    response={200: DashboardOut, **error_responses(404)},
    url_name="insights_area_dashboard",
    summary="An area's dashboard (region to village; a team leader's area is a team's)",
)
def area_dashboard(request: HttpRequest, area_id: AreaId, query: Query[PeriodQuery]):
    area = selectors.dashboard_area_for(request.auth, area_id)
    period = _period(query)
    return dashboard_body(dash.area_dashboard(request.auth, area, period))


@router.get(
    "/workers/{worker_id}/dashboard",
    response={200: DashboardOut, **error_responses(404)},
    url_name="insights_worker_dashboard",
    summary="A worker's dashboard: their own, or one based in the caller's area",
)
def worker_dashboard(request: HttpRequest, worker_id: WorkerId, query: Query[PeriodQuery]):
    worker = selectors.worker_for_dashboard(request.auth, worker_id)
    return dashboard_body(dash.worker_dashboard(request.auth, worker, _period(query)))


@router.get(
    "/areas/{area_id}/map",
    response={200: MapOut, **error_responses(404)},
    url_name="insights_area_map",
    summary="Points for the map: households and open needs (not for analysts), areas",
)
def area_map(request: HttpRequest, area_id: AreaId):
    user = request.auth
    area = selectors.dashboard_area_for(user, area_id)
    households = selectors.map_households(user, area)
    needs = selectors.map_open_needs(user, area)
    active = suppresses_for(user)
    period = period_around("month", timezone.localdate())
    children = fig.area_children(area, period)
    places = [(row.area, row.values) for row in children]
    if not places:
        own = fig.area_figures(area, period)
        places = [(area, own.values)]
    areas = []
    for place, values in places:
        if place.latitude is None or place.longitude is None:
            continue
        shown = fig.present(values, active=active)
        areas.append(
            {
                "id": place.pk,
                "name": place.name,
                "lat": place.latitude,
                "lng": place.longitude,
                "households": shown.get("households"),
                "open_needs": shown.get("open_needs"),
                "url": reverse("insights:area", args=[place.pk]),
            }
        )
    return {
        "households": [
            {
                "id": pk,
                "household_no": no,
                "lat": lat,
                "lng": lng,
                "url": reverse("registry:household", args=[pk]),
            }
            for pk, no, lat, lng in households
        ],
        "needs": [
            {
                "id": pk,
                "household_id": hid,
                "category": category,
                "lat": lat,
                "lng": lng,
                "url": reverse("casework:need", args=[pk]),
            }
            for pk, hid, category, lat, lng in needs
        ],
        "areas": areas,
        "truncated": len(households) >= selectors.MAP_HOUSEHOLDS_MAX
        or len(needs) >= selectors.MAP_NEEDS_MAX,
    }


@router.get(
    "/areas/{area_id}/teams",
    response={200: TeamListOut, **error_responses(404)},
    url_name="insights_area_teams",
    summary="Teams (areas with a team leader) within an area, for their reports",
)
def area_teams(request: HttpRequest, area_id: AreaId):
    area = selectors.dashboard_area_for(request.auth, area_id)
    teams = list(selectors.team_areas_within(area)[:1000])
    return {
        "teams": [
            {
                "area": _area_ref(team),
                "leaders": [
                    u.get_full_name() or u.username for u in selectors.team_leaders_of(team)
                ],
            }
            for team in teams
        ]
    }


def household_counts_body(counts: HouseholdCounts) -> dict:
    def statuses(by_status: dict, total) -> dict:
        return {**by_status, "total": total}

    return {
        "area": _area_ref(counts.area),
        "suppressed": counts.suppressed,
        "households": statuses(counts.by_status, counts.total),
        "categories": [
            {
                "category": row.category,
                "label": str(row.label),
                "applies_to": row.applies_to,
                "households": statuses(row.by_status, row.total),
                "residents": row.residents,
            }
            for row in counts.categories
        ],
    }


@router.get(
    "/areas/{area_id}/household-counts",
    response={200: HouseholdCountsOut, **error_responses(404)},
    url_name="insights_area_household_counts",
    summary="Households of an area by vulnerability category and programme status",
    description="Counted live; a household counts once under a category whether it is "
    "its own or any member's. Analysts' counts under 5 read \"<5\".",
)
def area_household_counts(request: HttpRequest, area_id: AreaId):
    area = selectors.dashboard_area_for(request.auth, area_id)
    return household_counts_body(household_counts(request.auth, area))


def report_body(report: reports.Report) -> dict:
    return {
        "kind": report.kind,
        "title": report.title,
        "team": _area_ref(report.team),
        "county": _area_ref(report.county),
        "period": _period_out(report.period),
        "leaders": [{"name": ld["name"], "figures": ld["values"]} for ld in report.leaders],
        "dashboard": dashboard_body(report.board),
        "comparison": [
            {"area": _area_ref(row["area"]), "is_self": row["is_self"], "figures": row["values"]}
            for row in report.comparison
        ],
        "ranks": {name: {"place": p, "of": n} for name, (p, n) in report.ranks.items()},
        "open_problems": {
            **{
                k: report.open_problems[k]
                for k in ("long_open_needs", "overdue", "referrals_overdue", "breaches")
            },
            "missed_targets": [t["metric"] for t in report.open_problems["missed_targets"]],
            "needs": [
                {
                    "id": n.pk,
                    "title": n.title,
                    "household_no": n.household.household_no,
                    "category": n.category,
                    "opened_at": n.opened_at,
                }
                for n in report.open_problems["needs"]
            ],
        },
        "quarters": [{"quarter": q["quarter"], "figures": q["values"]} for q in report.quarters],
    }


@router.get(
    "/teams/{area_id}/reports/{year}",
    response={200: ReportOut, **error_responses(404)},
    url_name="insights_team_report",
    summary="A team's quarterly (with `quarter`) or annual assessment, as figures",
)
def team_report(request: HttpRequest, area_id: AreaId, year: Year, query: Query[ReportQuery]):
    team = selectors.team_area_for(request.auth, area_id)
    return report_body(reports.team_report(request.auth, team, year=year, quarter=query.quarter))


@router.get(
    "/teams/{area_id}/reports/{year}/file",
    response={200: None, **error_responses(404)},
    url_name="insights_team_report_file",
    summary="The same report as a PDF or XLSX file in Chinese, English or Uyghur",
)
def team_report_file(
    request: HttpRequest, area_id: AreaId, year: Year, query: Query[ReportFileQuery]
):
    team = selectors.team_area_for(request.auth, area_id)
    report = reports.team_report(request.auth, team, year=year, quarter=query.quarter)
    if query.format == "pdf":
        return exports.pdf_response(report, language=query.lang)
    return exports.xlsx_response(report, language=query.lang)
