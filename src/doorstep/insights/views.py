"""Dashboard and report pages. Thin: scope through insights.selectors (404 outside
it), figures through insights.dashboard, files through insights.exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.insights import dashboard as dash
from doorstep.insights import exports, reports, selectors
from doorstep.insights.household_counts import household_counts
from doorstep.insights.periods import KINDS, parse_period


def _bad_request(request, error: ValidationError) -> HttpResponse:
    messages = [f"{field}: {'; '.join(msgs)}" for field, msgs in error.message_dict.items()]
    return render(request, "400.html", {"message": " ".join(messages)}, status=400)


@login_required
def home(request):
    user = request.user
    if selectors.may_see_areas(user):
        return redirect("insights:area", area_id=user.area_id)
    if user.role in (Role.WORKER,):
        return redirect("insights:worker", worker_id=user.pk)
    raise Http404


def _period_context(request, period) -> dict:
    return {
        "period": period,
        "kinds": KINDS.items(),
        "previous_query": urlencode(period.shifted(-1).params()),
        "next_query": urlencode(period.shifted(1).params()),
        "query": urlencode(period.params()),
        "today": timezone.localdate(),
    }


@login_required
def area_dashboard(request, area_id: int):
    user = request.user
    area = selectors.dashboard_area_for(user, area_id)
    try:
        period = parse_period(request.GET)
    except ValidationError as error:
        return _bad_request(request, error)
    board = dash.area_dashboard(user, area, period)
    teams = (
        list(selectors.team_areas_within(area)[:200])
        if area.level in selectors.TEAM_LIST_LEVELS
        else []
    )
    return render(
        request,
        "insights/dashboard.html",
        {
            "board": board,
            "rows": dash.labelled(board.values),
            "livelihood_rows": dash.labelled(board.livelihoods or {}),
            "monitoring_rows": dash.labelled(board.monitoring or {}),
            "area": area,
            "crumbs": selectors.ancestors_in_scope(user, area),
            "workers": selectors.workers_of(user, area),
            "teams": teams,
            "report_year": period.start.year,
            "report_quarter": (period.start.month - 1) // 3 + 1,
            "sees_records": selectors.sees_records(user),
            "long_open": selectors.long_open_needs(user, area, limit=10),
            "household_counts": household_counts(user, area),
            "household_counts_url": reverse("api:insights_area_household_counts", args=[area.pk]),
            "api_url": reverse("api:insights_area_dashboard", args=[area.pk]),
            "map_url": reverse("api:insights_area_map", args=[area.pk]),
            "households_url": f"{reverse('registry:households')}?{urlencode({'area': area.pk})}",
            **_period_context(request, period),
        },
    )


@login_required
def worker_dashboard(request, worker_id: int):
    user = request.user
    worker = selectors.worker_for_dashboard(user, worker_id)
    try:
        period = parse_period(request.GET)
    except ValidationError as error:
        return _bad_request(request, error)
    board = dash.worker_dashboard(user, worker, period)
    return render(
        request,
        "insights/worker.html",
        {
            "board": board,
            "rows": dash.labelled(board.values),
            "worker": worker,
            "api_url": reverse("api:insights_worker_dashboard", args=[worker.pk]),
            **_period_context(request, period),
        },
    )


def _report(request, area_id: int, year: int, quarter: int | None):
    user = request.user
    team = selectors.team_area_for(user, area_id)
    lang = request.GET.get("lang") or None
    fmt = request.GET.get("format", "html")
    try:
        report = reports.team_report(user, team, year=year, quarter=quarter)
        language = exports.language_or_error(lang)
    except ValidationError as error:
        return _bad_request(request, error)
    if fmt == "pdf":
        return exports.pdf_response(report, language=language)
    if fmt == "xlsx":
        return exports.xlsx_response(report, language=language)
    if fmt != "html":
        return _bad_request(request, ValidationError({"format": _("Choose html, pdf or xlsx.")}))
    return render(
        request,
        "insights/report.html",
        {
            **exports.report_context(report),
            "report_languages": exports.LANGUAGES,
            "query": urlencode(report.period.params()),
        },
    )


@login_required
def quarterly_report(request, area_id: int, year: int, quarter: int):
    return _report(request, area_id, year, quarter)


@login_required
def annual_report(request, area_id: int, year: int):
    return _report(request, area_id, year, None)
