"""Figures against the hand-computed data set of factories.build (Q3 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.insights import facts, rollup
from doorstep.insights.figures import (
    area_children,
    area_figures,
    areas_compared,
    median_hours,
    present,
    worker_figures,
)
from doorstep.insights.models import AreaDay, AreaSnapshot
from doorstep.insights.periods import Period, quarter
from doorstep.insights.tests.factories import at

Q3 = quarter(2026, 3)
NOW = at("2026-09-30", 20)


def test_county_figures_match_the_hand_count(areas, data):
    f = area_figures(areas["county"], Q3)
    v = f.values
    # 8 contacts, one on 1 October: 7 in Q3, of them 2 calls.
    assert (v["contacts"], v["visits"], v["phone_calls"]) == (7, 5, 2)
    assert (v["needs_opened"], v["needs_resolved"]) == (5, 4)
    assert v["resolved_share"] == 80.0
    # 5 h, 10 h, 30 h, 77 h (bucket 72): the lower middle is 10 h.
    assert v["median_resolve_hours"] == 10
    # Level-1 escalations only: one acknowledgement, one resolution.
    assert (v["breaches_acknowledge"], v["breaches_resolve"], v["breaches"]) == (1, 1, 2)
    assert v["breaches_per_100"] == 40.0
    assert (v["feedback"], v["satisfaction"]) == (3, round(11 / 3, 2))
    assert v["referrals"] == 3 and v["referrals_answered"] == 2
    assert v["referrals_answered_late"] == 1
    assert v["referral_answer_hours"] == 18.0  # (6 h + 30 h) / 2
    # Snapshot of 30 Sept: 5 households, h1 h3 h5 within their interval, h4 overdue.
    assert f.snapshot_day == dt.date(2026, 9, 30)
    assert (v["households"], v["covered"], v["overdue"], v["coverage"]) == (5, 3, 1, 60.0)
    assert (v["open_needs"], v["long_open_needs"]) == (1, 0)
    # Sent or accepted and past the answer date (as casework's reminders count them).
    assert v["referrals_overdue"] == 2
    units = {u["name"]: u for u in f.units}
    assert units["住建局"]["referrals"] == 2 and units["住建局"]["mean_answer_hours"] == 18.0
    assert units["住建局"]["declined"] == 1 and units["住建局"]["answered_late"] == 1
    assert units["卫健委"]["answered"] == 0 and units["卫健委"]["mean_answer_hours"] is None


def test_grid_households_count_for_their_village_and_days_are_local(areas, data):
    village = area_figures(areas["village_a"], Q3).values
    # h1 (2 contacts) and h3 in grid A1 (2): 4; needs n1, n2, n5.
    assert village["contacts"] == 4 and village["needs_opened"] == 3
    days = dict(AreaDay.objects.filter(area=areas["village_a"]).values_list("day", "contacts"))
    # 23:30 and 00:30 Beijing time, both 1 July in UTC: one contact on each local day.
    assert days[dt.date(2026, 7, 1)] == 2 and days[dt.date(2026, 7, 2)] == 1
    assert not AreaDay.objects.filter(area=areas["grid_a1"]).exists()


def test_children_of_the_county_are_its_townships(areas, data):
    rows = {row.area.code: row.values for row in area_children(areas["county"], Q3)}
    assert rows["652901001"]["contacts"] == 6 and rows["652901002"]["contacts"] == 1
    assert rows["652901001"]["households"] == 4 and rows["652901001"]["coverage"] == 50.0
    assert rows["652901002"]["coverage"] == 100.0


def test_a_month_and_a_custom_period(areas, data):
    july = area_figures(areas["county"], Period("month", dt.date(2026, 7, 1), dt.date(2026, 7, 31)))
    assert july.values["contacts"] == 4 and july.values["needs_resolved"] == 3
    # No snapshot was taken in July: the as-of figures are unknown, not zero.
    assert july.snapshot_day is None and july.values["coverage"] is None
    custom = area_figures(
        areas["county"], Period("custom", dt.date(2026, 9, 30), dt.date(2026, 10, 1))
    )
    assert custom.values["contacts"] == 2


def test_worker_figures_count_their_own_work(areas, data):
    v = worker_figures(data["w1"], Q3, now=NOW).values
    assert (v["contacts"], v["visits"]) == (4, 3)
    assert (v["needs_opened"], v["needs_resolved"], v["median_resolve_hours"]) == (3, 2, 5)
    assert (v["households"], v["covered"], v["overdue"]) == (2, 2, 0)
    assert v["feedback"] == 2 and v["satisfaction"] == 4.5


def test_compared_areas_equal_each_area_alone(areas, data):
    chosen = [areas["township"], areas["township2"], areas["village_a"], areas["county"]]
    together = areas_compared(chosen, Q3)
    for area in chosen:
        assert together[area.pk].values == area_figures(area, Q3).values


def test_refresh_twice_gives_the_same_rows_and_leaves_other_days(areas, data):
    before = list(
        AreaDay.objects.order_by("area_id", "day").values_list("area_id", "day", "contacts")
    )
    rollup.refresh(
        first_day=dt.date(2026, 7, 1),
        last_day=dt.date(2026, 7, 1),
        today=dt.date(2026, 9, 30),
        now=NOW,
    )
    after = list(
        AreaDay.objects.order_by("area_id", "day").values_list("area_id", "day", "contacts")
    )
    assert before == after
    assert AreaSnapshot.objects.filter(day=dt.date(2026, 9, 30)).count() == 8


@pytest.mark.parametrize(
    ("hours", "bucket"), [(-1, 0), (0, 0), (47, 47), (48, 48), (77, 72), (2159, 2136), (5000, 2160)]
)
def test_resolve_buckets(hours, bucket):
    assert facts.resolve_bucket(hours) == bucket


def test_median_takes_the_lower_middle():
    assert median_hours({}) is None
    assert median_hours({5: 1, 10: 1, 30: 1}) == 10
    assert median_hours({5: 2, 10: 2}) == 5
    assert median_hours({1: 1, 2: 3}) == 2


def test_suppression_of_counts_and_derived_figures(areas, data):
    v = area_figures(areas["county"], Q3).values
    shown = present(v, active=True)
    assert shown["contacts"] == 7 and shown["needs_opened"] == 5
    assert shown["needs_resolved"] == "<5" and shown["breaches"] == "<5"
    # Rates and means rest on their smallest count: 2 breaches of 5 needs stay hidden.
    assert shown["breaches_per_100"] == "<5" and shown["satisfaction"] == "<5"
    assert shown["median_resolve_hours"] == "<5" and shown["coverage"] == "<5"
    assert present(v, active=False) == v


def test_month_rows_are_the_sums_of_their_days(areas, data):
    from django.db.models import Sum

    from doorstep.insights.models import AreaMonth, AreaMonthResolve

    july = AreaMonth.objects.get(area=areas["county"], month=dt.date(2026, 7, 1))
    days = AreaDay.objects.filter(
        area=areas["county"], day__gte=dt.date(2026, 7, 1), day__lte=dt.date(2026, 7, 31)
    ).aggregate(c=Sum("contacts"), r=Sum("needs_resolved"))
    assert (july.contacts, july.needs_resolved) == (days["c"], days["r"]) == (4, 3)
    assert set(
        AreaMonthResolve.objects.filter(area=areas["county"]).values_list("month", "hours")
    ) == {
        (dt.date(2026, 7, 1), 5),
        (dt.date(2026, 7, 1), 10),
        (dt.date(2026, 7, 1), 30),
        (dt.date(2026, 8, 1), 72),
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-06-15", "2026-09-30"),  # days, then whole months
        ("2026-07-01", "2026-10-01"),  # whole months, then a day
        ("2026-07-02", "2026-08-04"),  # days at both ends of a whole month... of none
        ("2026-07-03", "2026-07-05"),  # days only
    ],
)
def test_periods_mixing_months_and_days_agree_with_the_days(areas, data, start, end):
    from doorstep.insights.figures import month_split

    period = Period("custom", dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    months, spans = month_split(period)
    covered = sum((b - a).days + 1 for a, b in spans)
    if months:
        from doorstep.insights.periods import month_end

        covered += (month_end(months[1]) - months[0]).days + 1
    assert covered == period.days
    together = areas_compared([areas["county"], areas["township"]], period)
    for area in (areas["county"], areas["township"]):
        assert together[area.pk].values == area_figures(area, period).values
    rows = {row.area.pk: row.values for row in area_children(areas["county"], period)}
    alone = area_figures(areas["township"], period).values
    assert rows[areas["township"].pk]["contacts"] == alone["contacts"]


def test_contacts_entered_since_the_last_refresh_reach_their_days_at_once(areas, data, monkeypatch):
    from django.utils import timezone

    from doorstep.insights.tests.factories import contact

    rollup.refresh_recent(days=3)
    monkeypatch.setattr(rollup, "CHANGE_OVERLAP", dt.timedelta(0))
    assert rollup.refresh_changed() is None  # nothing new: nothing rebuilt
    # A phone back in signal delivers yesterday's visit.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    contact(data["h1"], data["w1"], at(yesterday.isoformat(), 10))
    assert rollup.contacts_since_last_run(worker=data["w2"]) is None
    assert rollup.contacts_since_last_run(worker=data["w1"]) is not None
    run = rollup.refresh_changed()
    assert run is not None and run.first_day == yesterday
    row = AreaDay.objects.get(area=areas["village_a"], day=yesterday)
    assert row.contacts == 1
    assert rollup.refresh_changed() is None
