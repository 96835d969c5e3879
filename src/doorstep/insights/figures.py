"""Dashboard figures from the summaries (an area) or from the records (one worker).

`area_figures(area, period)` reads the rollup tables only (a fixed number of queries
whatever the area's size); `worker_figures(worker, period)` runs facts.py's querysets
for one worker. Both end in the same `Figures`, and `present()` is the only way a
viewer gets them: it applies the suppression rule for analysts. Reports
(reports.py) call these same functions, so a report and the dashboard of the same
period cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.areas.models import Area
from doorstep.casework.models import Unit
from doorstep.insights import facts
from doorstep.insights.models import (
    AreaDay,
    AreaDayResolve,
    AreaDayUnit,
    AreaMonth,
    AreaMonthResolve,
    AreaSnapshot,
    Metric,
    RollupRun,
    Target,
)
from doorstep.insights.periods import Period, month_end
from doorstep.insights.suppression import suppress

AT_LEAST, AT_MOST = "at_least", "at_most"
TARGET_DIRECTION = {
    Metric.COVERAGE: AT_LEAST,
    Metric.RESOLVED_SHARE: AT_LEAST,
    Metric.MEDIAN_RESOLVE_HOURS: AT_MOST,
    Metric.BREACHES_PER_100: AT_MOST,
    Metric.SATISFACTION: AT_LEAST,
    Metric.REFERRAL_ANSWER_HOURS: AT_MOST,
}

# name → (label, the count(s) behind it: None for a count itself, several for a rate,
# whose smallest decides). present() suppresses each figure on its basis; the order is
# the order of pages and exports.
FIGURES: dict[str, tuple] = {
    "households": (_("Households"), None),
    "covered": (_("Contacted within their interval"), None),
    "coverage": (_("Contact coverage (%)"), ("covered", "households")),
    "overdue": (_("Overdue for a contact"), None),
    "contacts": (_("Contacts"), None),
    "visits": (_("Visits"), None),
    "phone_calls": (_("Phone calls"), None),
    "needs_opened": (_("Needs opened"), None),
    "needs_resolved": (_("Needs resolved"), None),
    "resolved_share": (_("Needs resolved per need opened (%)"), ("needs_resolved", "needs_opened")),
    "median_resolve_hours": (_("Median time to resolve (hours)"), "needs_resolved"),
    "open_needs": (_("Needs open"), None),
    "long_open_needs": (_("Needs open longer than 30 days"), None),
    "breaches": (_("Service-level breaches"), None),
    "breaches_acknowledge": (_("Not acknowledged in time"), None),
    "breaches_resolve": (_("Not resolved in time"), None),
    "breaches_per_100": (_("Breaches per 100 needs opened"), ("breaches", "needs_opened")),
    "feedback": (_("Residents' ratings"), None),
    "satisfaction": (_("Residents' satisfaction (1–5)"), "feedback"),
    "referrals": (_("Referrals sent"), None),
    "referral_answer_hours": (
        _("Mean time for a department to answer (hours)"),
        "referrals_answered",
    ),
    "referrals_answered": (_("Referrals answered"), None),
    "referrals_answered_late": (_("Referrals answered late"), None),
    "referrals_overdue": (_("Referrals past their answer date"), None),
    "assistance": (_("Help recorded"), None),
    "assistance_amount": (_("Value of help (yuan)"), "assistance"),
    "placements": (_("Placements started"), None),
    "trainees_employed": (_("Trainees employed"), None),
    "income_households": (_("Households with a yearly income"), None),
    "income_per_person": (_("Mean yearly income per person (yuan)"), "income_households"),
    "relapse_flags_raised": (_("Relapse flags raised"), None),
    "relapse_flags_open": (_("Relapse flags open"), None),
    # Poverty monitoring (insights/monitoring_link.py): households today, decisions in
    # the period.
    "poverty_never": (_("Households never registered as poor"), None),
    "poverty_lifted": (_("Households lifted out of poverty"), None),
    "poverty_monitored": (_("Households monitored"), None),
    "monitored_unstable": (_("Monitored: unstable after alleviation"), None),
    "monitored_edge": (_("Monitored: on the edge of poverty"), None),
    "monitored_sudden": (_("Monitored: sudden severe hardship"), None),
    "poverty_risk_removed": (_("Households whose risk was removed"), None),
    "monitoring_decisions": (_("Monitoring decisions"), None),
    "monitoring_new": (_("New monitoring decisions"), None),
    "monitoring_risk_removed": (_("Risk removed (decisions)"), None),
    "monitoring_days_to_decision": (
        _("Median days from proposal to decision"),
        "monitoring_decisions",
    ),
    "monitoring_helped": (_("Newly monitored households helped"), None),
    "monitoring_days_to_help": (
        _("Median days from decision to first help"),
        "monitoring_helped",
    ),
    "monitoring_refused": (_("Proposals returned"), None),
    "monitoring_objected": (_("Notices with objections"), None),
    "calls": (_("Duty-room calls"), None),
    "call_arrivals": (_("Responders on scene"), None),
    "call_arrival_minutes": (_("Mean minutes from call to responder on scene"), "call_arrivals"),
}
# Figures that are the area's or the worker's as of the snapshot day, not sums over days.
SNAPSHOT_FIGURES = {
    "households",
    "covered",
    "coverage",
    "overdue",
    "open_needs",
    "long_open_needs",
    "referrals_overdue",
}
AREA_ONLY = {"calls", "call_arrivals", "call_arrival_minutes"}


@dataclass
class Figures:
    period: Period
    values: dict[str, object]
    snapshot_day: dt.date | None
    # [(day, contacts, needs_opened, needs_resolved)], one per day with activity
    series: list[tuple] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)


def _ratio(part, whole, scale=100, places=1):
    if not whole:
        return None
    return round(part * scale / whole, places)


def median_hours(histogram: dict[int, int]) -> int | None:
    """The bucket (hours) of the middle resolved need; with an even number, the lower
    of the two middle ones."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = (total + 1) // 2
    seen = 0
    for hours in sorted(histogram):
        seen += histogram[hours]
        if seen >= middle:
            return hours
    return None  # unreachable


def _combine(
    period: Period,
    day_rows: list[dict],
    histogram: dict[int, int],
    unit_rows: list[dict],
    snapshot: dict | None,
    snapshot_day: dt.date | None,
) -> Figures:
    sums = {m: sum((row.get(m) or 0) for row in day_rows) for m in facts.DAY_MEASURES}
    values: dict[str, object] = {}
    snap = snapshot or {}
    for name in (
        "households",
        "covered",
        "overdue",
        "open_needs",
        "long_open_needs",
        "referrals_overdue",
    ):
        values[name] = snap.get(name) if snapshot is not None else None
    values["coverage"] = (
        _ratio(snap.get("covered", 0), snap.get("households", 0)) if snapshot else None
    )
    values["contacts"] = sums["contacts"]
    values["visits"] = sums["visits"]
    values["phone_calls"] = sums["contacts"] - sums["visits"]
    values["needs_opened"] = sums["needs_opened"]
    values["needs_resolved"] = sums["needs_resolved"]
    values["resolved_share"] = _ratio(sums["needs_resolved"], sums["needs_opened"])
    values["median_resolve_hours"] = median_hours(histogram)
    values["breaches_acknowledge"] = sums["breaches_acknowledge"]
    values["breaches_resolve"] = sums["breaches_resolve"]
    values["breaches"] = sums["breaches_acknowledge"] + sums["breaches_resolve"]
    values["breaches_per_100"] = _ratio(values["breaches"], sums["needs_opened"])
    values["feedback"] = sums["feedback"]
    values["satisfaction"] = _ratio(sums["feedback_satisfaction_sum"], sums["feedback"], 1, 2)
    values["referrals"] = sums["referrals"]
    answered = sum(u["answered"] for u in unit_rows)
    values["referrals_answered"] = answered
    values["referrals_answered_late"] = sum(u["answered_late"] for u in unit_rows)
    values["referral_answer_hours"] = _ratio(
        sum(u["answer_minutes"] for u in unit_rows), answered, Decimal(1) / 60, 1
    )
    values["assistance"] = sums["assistance"]
    values["assistance_amount"] = Decimal(sums["assistance_amount"] or 0).quantize(Decimal("0.01"))
    values["calls"] = sums["calls"]
    values["call_arrivals"] = sums["call_arrivals"]
    values["call_arrival_minutes"] = _ratio(sums["call_arrival_minutes"], sums["call_arrivals"], 1)
    for name, value in values.items():
        if isinstance(value, Decimal) and name != "assistance_amount":
            values[name] = float(value)
    units = []
    for u in sorted(unit_rows, key=lambda u: (-u["referrals"], u["name"])):
        units.append(
            {
                "unit_id": u["unit_id"],
                "name": u["name"],
                "referrals": u["referrals"],
                "answered": u["answered"],
                "answered_late": u["answered_late"],
                "declined": u["declined"],
                "mean_answer_hours": (
                    round(u["answer_minutes"] / 60 / u["answered"], 1) if u["answered"] else None
                ),
            }
        )
    series = [
        (
            row["day"],
            row.get("contacts", 0),
            row.get("needs_opened", 0),
            row.get("needs_resolved", 0),
        )
        for row in sorted((r for r in day_rows if r.get("day") is not None), key=lambda r: r["day"])
    ]
    return Figures(period, values, snapshot_day, series, units)


# --- an area, from the summaries -----------------------------------------------------------


def _in_period(period: Period) -> dict:
    return {"day__gte": period.start, "day__lte": period.end}


def month_split(period: Period) -> tuple[tuple[dt.date, dt.date] | None, list[tuple]]:
    """The period as whole calendar months (first days of the first and last month)
    and the days left over at either end: long periods read AreaMonth rows."""
    first = period.start if period.start.day == 1 else month_end(period.start) + dt.timedelta(1)
    last_end = (
        period.end
        if period.end == month_end(period.end)
        else period.end.replace(day=1) - dt.timedelta(1)
    )
    if first > last_end:
        return None, [(period.start, period.end)]
    spans = []
    if period.start < first:
        spans.append((period.start, first - dt.timedelta(1)))
    if last_end < period.end:
        spans.append((last_end + dt.timedelta(1), period.end))
    return (first, last_end.replace(day=1)), spans


def _summed(day_model, month_model, period: Period, group: list[str], sums: dict, **where):
    """Rows of `day_model`'s grouped sums over the period, read from `month_model`
    for whole months and from the day table for the days at either end; one query
    per part that is not empty. Returns {group values: {name: sum}}."""
    months, spans = month_split(period)
    parts = []
    if months is not None:
        parts.append(month_model.objects.filter(month__gte=months[0], month__lte=months[1]))
    if spans:
        days = Q()
        for low, high in spans:
            days |= Q(day__gte=low, day__lte=high)
        parts.append(day_model.objects.filter(days))
    result: dict[tuple, dict] = {}
    for qs in parts:
        for row in qs.filter(**where).values(*group).annotate(**sums).order_by():
            key = tuple(row[g] for g in group)
            into = result.setdefault(key, dict.fromkeys(sums, 0))
            for name in sums:
                into[name] += row[name] or 0
    return result


def _histograms(areas_filter: dict, period: Period) -> dict[int, dict[int, int]]:
    rows = _summed(
        AreaDayResolve,
        AreaMonthResolve,
        period,
        ["area_id", "hours"],
        {"n": Sum("needs")},
        **areas_filter,
    )
    histograms: dict[int, dict[int, int]] = {}
    for (area_id, hours), sums in rows.items():
        histograms.setdefault(area_id, {})[hours] = sums["n"]
    return histograms


def _snapshot_day_subquery(area_id_ref, period: Period):
    return Subquery(
        AreaSnapshot.objects.filter(area_id=area_id_ref, **_in_period(period))
        .order_by("-day")
        .values("day")[:1]
    )


def area_figures(area: Area, period: Period) -> Figures:
    """Five queries (targets and children are separate: area_children, targets_for)."""
    window = _in_period(period)
    day_rows = list(AreaDay.objects.filter(area=area, **window).values("day", *facts.DAY_MEASURES))
    histogram = _histograms({"area_id": area.pk}, period).get(area.pk, {})
    unit_rows = list(
        AreaDayUnit.objects.filter(area=area, **window)
        .values("unit_id", name=F("unit__name"))
        .annotate(**{m: Sum(m) for m in facts.UNIT_MEASURES})
        .order_by()
    )
    snapshot = (
        AreaSnapshot.objects.filter(area=area, **window)
        .order_by("-day")
        .values("day", *facts.SNAPSHOT_MEASURES)
        .first()
    )
    return _combine(
        period, day_rows, histogram, unit_rows, snapshot, snapshot["day"] if snapshot else None
    )


@dataclass
class ChildRow:
    area: Area
    values: dict


def area_children(area: Area, period: Period) -> list[ChildRow]:
    """Each child area (grids excepted: they have no summaries) with its key figures:
    three queries."""
    children = list(Area.objects.filter(parent=area).exclude(level="grid").order_by("code"))
    if not children:
        return []
    ids = [c.pk for c in children]
    sums = {
        key[0]: row
        for key, row in _summed(
            AreaDay,
            AreaMonth,
            period,
            ["area_id"],
            {
                "contacts": Sum("contacts"),
                "needs_opened": Sum("needs_opened"),
                "needs_resolved": Sum("needs_resolved"),
                "breaches_a": Sum("breaches_acknowledge"),
                "breaches_r": Sum("breaches_resolve"),
            },
            area_id__in=ids,
        ).items()
    }
    snaps = {
        row["area_id"]: row
        for row in AreaSnapshot.objects.filter(
            area_id__in=ids, day=_snapshot_day_subquery(OuterRef("area_id"), period)
        ).values("area_id", *facts.SNAPSHOT_MEASURES)
    }
    rows = []
    for child in children:
        s, snap = sums.get(child.pk, {}), snaps.get(child.pk)
        rows.append(
            ChildRow(
                child,
                {
                    "households": snap["households"] if snap else None,
                    "covered": snap["covered"] if snap else None,
                    "coverage": _ratio(snap["covered"], snap["households"]) if snap else None,
                    "overdue": snap["overdue"] if snap else None,
                    "open_needs": snap["open_needs"] if snap else None,
                    "contacts": s.get("contacts") or 0,
                    "needs_opened": s.get("needs_opened") or 0,
                    "needs_resolved": s.get("needs_resolved") or 0,
                    "breaches": (s.get("breaches_a") or 0) + (s.get("breaches_r") or 0),
                },
            )
        )
    return rows


def areas_compared(areas: list[Area], period: Period) -> dict[int, Figures]:
    """area_figures for many areas at once (a county's teams): four queries in all.
    Gives the same values as area_figures for each (a test holds them equal)."""
    ids = [a.pk for a in areas]
    if not ids:
        return {}
    window = _in_period(period)
    days = {
        key[0]: row
        for key, row in _summed(
            AreaDay,
            AreaMonth,
            period,
            ["area_id"],
            {m: Sum(m) for m in facts.DAY_MEASURES},
            area_id__in=ids,
        ).items()
    }
    histograms = _histograms({"area_id__in": ids}, period)
    units = {
        row["area_id"]: row
        for row in AreaDayUnit.objects.filter(area_id__in=ids, **window)
        .values("area_id")
        .annotate(**{m: Sum(m) for m in facts.UNIT_MEASURES})
        .order_by()
    }
    snaps = {
        row["area_id"]: row
        for row in AreaSnapshot.objects.filter(
            area_id__in=ids, day=_snapshot_day_subquery(OuterRef("area_id"), period)
        ).values("area_id", "day", *facts.SNAPSHOT_MEASURES)
    }
    result = {}
    for pk in ids:
        day_rows = [days[pk]] if pk in days else []
        unit_rows = [{"unit_id": 0, "name": "", **units[pk]}] if pk in units else []
        snap = snaps.get(pk)
        figures = _combine(
            period,
            day_rows,
            histograms.get(pk, {}),
            unit_rows,
            snap,
            snap["day"] if snap else None,
        )
        figures.units = []
        result[pk] = figures
    return result


# --- one worker, from the records ------------------------------------------------------


def worker_figures(worker, period: Period, *, now: dt.datetime | None = None) -> Figures:
    """The worker's own work in the period (contacts they made, needs they follow)
    and their paired households as of now. Read live: a worker's records are few."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    span = (period.start, period.end)
    by_day: dict[dt.date, dict] = {}
    for fact in facts.DAY_FACTS:
        if fact in facts.AREA_ONLY_FACTS:
            continue
        for row in fact(*span, by="worker").filter(key=worker.pk):
            day = row["day"]
            merged = by_day.setdefault(day, {"day": day})
            for name, value in row.items():
                if name not in ("key", "day"):
                    merged[name] = merged.get(name, 0) + (value or 0)
    histogram: dict[int, int] = {}
    for row in facts.resolve_hours(*span, by="worker").filter(key=worker.pk):
        histogram[row["hours"]] = histogram.get(row["hours"], 0) + row["needs"]
    units: dict[int, dict] = {}
    for row in facts.referrals_by_unit(*span, by="worker").filter(key=worker.pk):
        unit = units.setdefault(row["unit_id"], {"unit_id": row["unit_id"], "name": ""})
        for m in facts.UNIT_MEASURES:
            unit[m] = unit.get(m, 0) + (row[m] or 0)
    if units:
        for pk, name in Unit.objects.filter(pk__in=units).values_list("pk", "name"):
            units[pk]["name"] = name
    snapshot: dict | None = None
    if period.start <= today <= period.end:
        snapshot = dict.fromkeys(facts.SNAPSHOT_MEASURES, 0)
        for qs in facts.snapshot_facts(today, now, by="worker"):
            for row in qs.filter(key=worker.pk):
                for name, value in row.items():
                    if name != "key":
                        snapshot[name] += value or 0
    return _combine(
        period,
        list(by_day.values()),
        histogram,
        list(units.values()),
        snapshot,
        today if snapshot is not None else None,
    )


# --- targets --------------------------------------------------------------------------


def targets_for(area: Area, figures: Figures) -> list[dict]:
    """Each metric's target (the deepest area's above or at `area`, else the default)
    with the figure and whether it is met. One query."""
    chain = area.ancestor_ids
    depth = {pk: i for i, pk in enumerate(chain)}
    best: dict[str, tuple[int, Target]] = {}
    for target in Target.objects.filter(Q(area__isnull=True) | Q(area_id__in=chain)):
        rank = depth.get(target.area_id, -1)
        if target.metric not in best or rank > best[target.metric][0]:
            best[target.metric] = (rank, target)
    rows = []
    for metric in Metric:
        if metric.value not in best:
            continue
        target = best[metric.value][1]
        value = figures.values.get(metric.value)
        direction = TARGET_DIRECTION[metric]
        met = None
        if value is not None:
            met = value >= target.value if direction == AT_LEAST else value <= target.value
        rows.append(
            {
                "metric": metric.value,
                "label": metric.label,
                "target": float(target.value),
                "direction": direction,
                "value": value,
                "met": met,
            }
        )
    return rows


# --- freshness and presentation ------------------------------------------------------------


def freshness() -> RollupRun | None:
    return RollupRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()


def basis_of(name: str, values: dict) -> int | None:
    """The count a figure rests on (None: the figure is a count itself)."""
    names = FIGURES.get(name, (None, None))[1]
    if names is None:
        return None
    names = (names,) if isinstance(names, str) else names
    return min((values.get(n) or 0) for n in names)


def present(values: dict, *, active: bool) -> dict:
    """Every figure through the suppression rule (when `active`, i.e. for analysts)."""
    out = {}
    for name, value in values.items():
        basis = basis_of(name, values)
        if isinstance(value, (int, float, Decimal)) or value is None:
            out[name] = suppress(value, basis=basis, active=active)
        else:
            out[name] = value
    return out


def present_units(units: list[dict], *, active: bool) -> list[dict]:
    shown = []
    for u in units:
        shown.append(
            {
                **u,
                "referrals": suppress(u["referrals"], active=active),
                "answered": suppress(u["answered"], active=active),
                "answered_late": suppress(u["answered_late"], active=active),
                "declined": suppress(u["declined"], active=active),
                "mean_answer_hours": suppress(
                    u["mean_answer_hours"], basis=u["answered"], active=active
                ),
            }
        )
    return shown


def present_targets(targets: list[dict], values: dict, *, active: bool) -> list[dict]:
    shown = []
    for t in targets:
        value = suppress(t["value"], basis=basis_of(t["metric"], values), active=active)
        shown.append({**t, "value": value, "met": None if value == "<5" else t["met"]})
    return shown
