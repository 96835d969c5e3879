"""Welfare-check pages: starting a round, the round page with coverage by child area,
the map's data, the worker's pinned checks, recording a check, reassigning, closing;
and each persona sees only what is theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.casework.models import Need, WelfareCheck, WelfareRound
from doorstep.casework.selectors import due_list_for
from doorstep.casework.selectors_welfare import round_coverage, welfare_due_items
from doorstep.casework.services import pairing_create
from doorstep.casework.services.welfare import (
    RoundCriteria,
    welfare_check_record,
    welfare_round_start,
)
from doorstep.core.testing import make_household

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YES = {"food_water": True, "medicines": True, "heating": True, "phone": True}


@pytest.fixture
def county(areas, team_leader, worker_a, worker_b):
    """Seven checks: village A 3 (worker_a), village B 2 (worker_b), village C 2 (nobody)."""
    households = {}
    for key, area, worker, members in (
        ("a1", "village_a", worker_a, 2),
        ("a2", "grid_a1", worker_a, 1),
        ("b1", "village_b", worker_b, 2),
        ("c1", "village_c", None, 2),
    ):
        household = make_household(
            area=areas[area],
            vulnerabilities=("elderly_alone",),
            members=members,
            each_member=True,
            latitude=41.1,
            longitude=80.2,
        )
        if worker is not None:
            pairing_create(actor=team_leader, worker=worker, household=household, channel="t")
        households[key] = household
    make_household(area=areas["village_a"], vulnerabilities=("low_income",))
    return households


@pytest.fixture
def county_round(supervisor, areas, county):
    return welfare_round_start(
        actor=supervisor,
        area=areas["county"],
        name="寒潮入户",
        deadline=TODAY + dt.timedelta(days=2),
        criteria=RoundCriteria(categories=("elderly_alone",)),
        checklist=("food_water", "medicines", "heating", "phone"),
        channel="t",
    ).welfare_round


def _record(round_, household, actor, outcome="done", answers=YES):
    check = WelfareCheck.objects.filter(round=round_, household=household).first()
    return welfare_check_record(
        actor=actor,
        check=check,
        outcome=outcome,
        answers=answers if outcome == "done" else None,
        expected_version=check.version,
        channel="t",
    )


def test_a_supervisor_starts_a_round_from_the_page(client, supervisor, areas, county):
    from doorstep.casework.tests.factories import make_question

    make_question(area=areas["county"], created_by=supervisor)
    client.force_login(supervisor)
    page = client.get(reverse("casework:welfare_round_new"))
    assert page.status_code == 200
    response = client.post(
        reverse("casework:welfare_round_new"),
        {
            "name": "寒潮入户",
            "area": [areas["township"].pk],
            "deadline": (TODAY + dt.timedelta(days=3)).isoformat(),
            "preset": "elderly_alone",
            "checklist": ["heating", "phone"],
            "extra_questions": ["blankets"],
        },
    )
    welfare_round = WelfareRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:welfare_round", args=[welfare_round.pk])
    assert welfare_round.area == areas["township"]
    assert welfare_round.check_count == 5  # a1 2, a2 1, b1 2
    assert welfare_round.checklist == [
        {"key": "heating"},
        {"key": "phone"},
        {
            "key": "blankets",
            "label": {"zh": "棉被", "ug": "", "en": "Blankets"},
            "category": "other",
        },
    ]


def test_bad_input_on_the_page_names_the_field_and_creates_nothing(client, supervisor, county):
    client.force_login(supervisor)
    response = client.post(
        reverse("casework:welfare_round_new"),
        {
            "name": "x",
            "deadline": (TODAY - dt.timedelta(days=1)).isoformat(),
            "preset": "elderly_alone",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"deadline", "checklist"}
    assert not WelfareRound.objects.exists()


def test_coverage_counts_by_child_area_with_drill_down(
    client, supervisor, areas, county, county_round, worker_a, worker_b
):
    _record(county_round, county["a1"], worker_a)  # 1 of a1's 2 residents done
    _record(county_round, county["b1"], worker_b, outcome="not_reached")
    coverage = round_coverage(county_round, areas["county"])
    assert coverage.total.as_dict() == {"done": 1, "not_reached": 1, "pending": 5, "total": 7}
    by_child = {row.area.code: row.tally.as_dict() for row in coverage.children}
    assert by_child == {
        "652901001": {"done": 1, "not_reached": 1, "pending": 3, "total": 5},
        "652901002": {"done": 0, "not_reached": 0, "pending": 2, "total": 2},
    }
    village_a = round_coverage(county_round, areas["village_a"])
    # Grid A1 is a child; a1 lives in the village itself.
    assert [(r.area.code, r.tally.total) for r in village_a.children] == [("652901001001G01", 1)]
    assert village_a.here.as_dict() == {"done": 1, "not_reached": 0, "pending": 1, "total": 2}

    client.force_login(supervisor)
    page = client.get(
        reverse("casework:welfare_round", args=[county_round.pk]),
        {"area": areas["township"].pk},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-total="5" data-done="1" data-not-reached="1" data-pending="3"' in html
    assert f'?area={areas["village_b"].pk}"' in html  # drill down further
    # The escalation list holds the resident not reached, with a reassign box.
    assert html.count('name="checks"') == 1
    partial = client.get(
        reverse("casework:welfare_round_coverage", args=[county_round.pk]),
        {"area": areas["county"].pk},
    )
    assert 'hx-trigger="every 10s"' in partial.content.decode()
    assert 'data-total="7" data-done="1"' in partial.content.decode()


def test_the_map_places_households_worst_status_first(
    client, supervisor, county, county_round, worker_b
):
    _record(county_round, county["b1"], worker_b, outcome="not_reached")
    client.force_login(supervisor)
    data = client.get(reverse("casework:welfare_round_map", args=[county_round.pk])).json()
    assert data["kind"] == "households"
    statuses = {p["label"]: (p["status"], p["count"]) for p in data["points"]}
    assert statuses[county["b1"].household_no] == ("not_reached", 2)
    assert statuses[county["c1"].household_no] == ("pending", 2)
    assert data["unplaced"] == 0


def test_the_map_shows_villages_for_large_rounds(
    client, supervisor, areas, county, county_round, monkeypatch
):
    from doorstep.casework import selectors_welfare

    monkeypatch.setattr(selectors_welfare, "MAP_HOUSEHOLDS_MAX", 3)
    client.force_login(supervisor)
    data = client.get(reverse("casework:welfare_round_map", args=[county_round.pk])).json()
    assert data["kind"] == "areas"
    by_name = {p["label"]: p["total"] for p in data["points"]}
    # Grid A1's resident counts under village A; village C has no location.
    assert by_name == {areas["village_a"].name: 3, areas["village_b"].name: 2}
    assert data["unplaced"] == 2


def test_checks_are_pinned_at_the_top_of_the_workers_due_list(
    client, worker_a, county, county_round, django_assert_num_queries
):
    with django_assert_num_queries(1):
        items = welfare_due_items(worker_a, TODAY)
    assert len(items) == 3 and all(i.pinned and i.kind == "welfare_check" for i in items)
    assert items[0].due_on == county_round.ends_on
    due = due_list_for(worker_a, today=TODAY)
    assert [i.kind for i in due.items][:3] == ["welfare_check"] * 3
    client.force_login(worker_a)
    html = client.get(reverse("casework:home")).content.decode()
    check = WelfareCheck.objects.filter(worker=worker_a).order_by("household_id", "pk").first()
    assert reverse("casework:welfare_check", args=[check.pk]) in html
    assert html.index("寒潮入户") < html.index('id="overdue"')
    api = client.get("/api/v1/casework/due").json()
    assert [i["kind"] for i in api["items"]][:3] == ["welfare_check"] * 3
    # Done, it leaves the list.
    _record(county_round, county["a2"], worker_a)
    assert len(welfare_due_items(worker_a, TODAY)) == 2


def test_a_worker_records_a_check_that_reveals_a_need(client, worker_a, county, county_round):
    check = WelfareCheck.objects.filter(round=county_round, household=county["a2"]).get()
    client.force_login(worker_a)
    url = reverse("casework:welfare_check", args=[check.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {"version": 1, "outcome": "done", "kind": "visit"})
    assert missing.status_code == 400
    assert "q_food_water" in missing.context["form"].errors
    response = client.post(
        url,
        {
            "version": 1,
            "outcome": "done",
            "kind": "visit",
            "need_urgency": "immediate",
            "q_food_water": "yes",
            "q_medicines": "no",
            "q_heating": "yes",
            "q_phone": "yes",
            "note": "药吃完了",
        },
    )
    assert response.status_code == 302
    check.refresh_from_db()
    need = Need.objects.get()
    assert (check.status, check.need, need.urgency, need.category) == (
        "done",
        need,
        "immediate",
        "medical_costs",
    )
    stale = client.post(url, {"version": 1, "outcome": "not_reached", "kind": "visit"})
    assert stale.status_code == 409


def test_reassigning_and_closing_from_the_round_page(
    client, supervisor, worker_a, worker_b, county, county_round
):
    nobody = list(WelfareCheck.objects.filter(round=county_round, household=county["c1"]))
    assert all(c.worker_id is None for c in nobody)
    client.force_login(supervisor)
    response = client.post(
        reverse("casework:welfare_round_reassign", args=[county_round.pk]),
        {"checks": [c.pk for c in nobody], "worker": worker_b.pk},
    )
    assert response.status_code == 302
    assert set(
        WelfareCheck.objects.filter(pk__in=[c.pk for c in nobody]).values_list(
            "worker_id", flat=True
        )
    ) == {worker_b.pk}
    client.post(reverse("casework:welfare_round_close", args=[county_round.pk]))
    county_round.refresh_from_db()
    assert not county_round.is_open
    assert welfare_due_items(worker_b, TODAY) == []
    partial = client.get(reverse("casework:welfare_round_coverage", args=[county_round.pk]))
    assert "hx-trigger" not in partial.content.decode()  # a closed round stops polling


def test_each_persona_sees_only_its_part(
    client,
    county_round,
    areas,
    county,
    worker_a,
    worker_b,
    team_leader,
    supervisor,
    analyst,
    responder,
    administrator,
    household_b,
):
    detail = reverse("casework:welfare_round", args=[county_round.pk])
    check_b = WelfareCheck.objects.filter(round=county_round, household=county["b1"]).first()
    check_c = WelfareCheck.objects.filter(round=county_round, household=county["c1"]).first()
    for user, status in (
        (supervisor, 200),
        (administrator, 200),
        (team_leader, 200),  # a county round, seen from the township
        (worker_a, 404),
        (analyst, 404),
        (responder, 404),
    ):
        client.force_login(user)
        assert client.get(detail).status_code == status, user.username
    # The team leader's coverage is their township's part of the round.
    client.force_login(team_leader)
    html = client.get(detail).content.decode()
    assert 'data-total="5"' in html and 'data-total="7"' not in html
    assert client.get(detail, {"area": areas["village_c"].pk}).status_code == 404
    assert client.get(reverse("casework:welfare_check", args=[check_c.pk])).status_code == 404
    assert client.get(reverse("casework:welfare_check", args=[check_b.pk])).status_code == 200
    # ...and may not close a county round.
    assert (
        client.post(reverse("casework:welfare_round_close", args=[county_round.pk])).status_code
        == 403
    )
    # Workers open their own checks only.
    client.force_login(worker_a)
    assert client.get(reverse("casework:welfare_check", args=[check_b.pk])).status_code == 404
    assert client.get(reverse("casework:welfare_rounds")).status_code == 200
    client.force_login(worker_b)
    assert client.get(reverse("casework:welfare_check", args=[check_b.pk])).status_code == 200
    for user in (analyst, responder):
        client.force_login(user)
        assert client.get(reverse("casework:welfare_rounds")).status_code == 404
        assert client.get(reverse("casework:welfare_check", args=[check_b.pk])).status_code == 404
    client.force_login(worker_a)
    assert client.get(reverse("casework:welfare_round_new")).status_code == 404


def test_coverage_costs_three_queries_whatever_the_size(
    county_round, areas, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the GROUP BY, the areas' paths, the children
        round_coverage(county_round, areas["county"])
    with django_assert_num_queries(3):
        round_coverage(county_round, areas["township"])


def test_the_navigation_links_the_rounds_for_those_who_use_them(
    client, worker_a, supervisor, analyst
):
    url = reverse("casework:welfare_rounds")
    for user, shown in ((worker_a, True), (supervisor, True), (analyst, False)):
        client.force_login(user)
        page = client.get(reverse("registry:home")).content.decode()
        assert (f'href="{url}"' in page) is shown, user.username
