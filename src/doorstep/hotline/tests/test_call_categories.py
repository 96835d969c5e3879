"""A call with several categories (issue #13): a power cut with a person trapped in a
lift is both. Through the API and the intake page, the duty board and Open311; bad
input named and nothing written; existing calls migrated."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.hotline import services
from doorstep.hotline.models import Call, CallSource
from doorstep.hotline.tests.factories import make_responder

pytestmark = pytest.mark.django_db

BASE = "/api/v1/hotline"


def _both(office, **extra):
    return {
        "office_id": office.pk,
        "category": "power",
        "also_categories": ["lift_entrapment"],
        "description": "停电，3号楼电梯困人",
        **extra,
    }


def test_a_power_cut_with_a_person_in_the_lift_is_both_and_leads_with_the_lift(worker_a, office):
    response = ApiClient(worker_a).post(f"{BASE}/calls", _both(office))
    assert response.status_code == 201, response.content
    call = response.json()
    assert call["category"] == "lift_entrapment"
    assert call["categories"] == ["lift_entrapment", "power"]
    assert call["urgency"] == "immediate"
    assert [s["code"] for s in call["safety_steps"]][:2] == ["reassure", "lift_company"]
    # The deadlines are the tighter of the two categories'.
    both = Call.objects.get(pk=call["id"])
    only_power = services.call_take(actor=worker_a, office=office, category="power", channel="t")
    only_lift = services.call_take(
        actor=worker_a, office=office, category="lift_entrapment", channel="t"
    )
    for due in ("acknowledge_due_at", "arrive_due_at", "resolve_due_at"):
        tightest = min(
            getattr(only_power, due) - only_power.received_at,
            getattr(only_lift, due) - only_lift.received_at,
        )
        assert getattr(both, due) - both.received_at == tightest
    row = next(
        r for r in ApiClient(worker_a).get(f"{BASE}/calls").json()["items"] if r["id"] == call["id"]
    )
    assert row["categories"] == ["lift_entrapment", "power"]


def test_a_responder_of_either_category_may_be_dispatched(worker_a, office):
    call = services.call_take(
        actor=worker_a,
        office=office,
        category="power",
        also_categories=["lift_entrapment"],
        channel="t",
    )
    grid = make_responder(office, kind="utility", categories=("power",))
    water = make_responder(office, kind="utility", categories=("water",))
    ok = ApiClient(worker_a).post(f"{BASE}/calls/{call.pk}/dispatch", {"responder_id": grid.pk})
    assert ok.status_code == 201, ok.content
    refused = ApiClient(worker_a).post(
        f"{BASE}/calls/{call.pk}/dispatch", {"responder_id": water.pk}
    )
    assert_error(refused, 422, "responder")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"also_categories": ["burglary"]}, "also_categories"),
        ({"also_categories": ["gas", "water", "noise_dispute", "sanitation"]}, "also_categories"),
        ({"also_categories": "power"}, "also_categories"),
    ],
)
def test_a_bad_extra_category_is_named_and_nothing_is_written(worker_a, office, extra, field):
    response = ApiClient(worker_a).post(f"{BASE}/calls", _both(office, **extra))
    assert_error(response, 422, field)
    assert not Call.objects.exists()


def test_the_intake_page_takes_several_categories_and_the_board_shows_them(
    client, worker_a, office
):
    client.force_login(worker_a)
    response = client.post(
        f"/hotline/calls/new/?office={office.pk}",
        {"office": office.pk, "category": "power", "also_categories": ["lift_entrapment", "water"]},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    call = Call.objects.get()
    assert call.category_list == ["lift_entrapment", "power", "water"]
    board = client.get(f"/hotline/?office={office.pk}").content.decode()
    assert 'data-categories="lift_entrapment power water"' in board
    bad = client.post(
        f"/hotline/calls/new/?office={office.pk}",
        {"office": office.pk, "category": "power", "also_categories": ["burglary"]},
    )
    assert bad.status_code == 422 and Call.objects.count() == 1


def test_open311_finds_a_call_under_each_of_its_categories(client, office):
    call = services.call_take(
        actor=None,
        office=office,
        category="power",
        also_categories=["lift_entrapment"],
        source=CallSource.OPEN311,
        channel="t",
    )
    for code in ("power", "lift_entrapment"):
        found = client.get("/open311/v2/requests.json", {"service_code": code}).json()
        assert [r["service_request_id"] for r in found] == [str(call.pk)]
        assert found[0]["service_code"] == "lift_entrapment"
    assert client.get("/open311/v2/requests.json", {"service_code": "water"}).json() == []


@pytest.mark.django_db(transaction=True)
def test_existing_calls_get_their_one_category(worker_a, office):
    executor = MigrationExecutor(connection)
    before = [("hotline", "0004_office_categories_and_retirement")]
    after = [("hotline", "0005_call_categories")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        OldCall = old.get_model("hotline", "Call")
        now = timezone.now()
        pk = OldCall.objects.create(
            office_id=office.pk,
            source="phone",
            received_at=now,
            caller_kind="public",
            category="gas",
            urgency="immediate",
            cycle_started_at=now,
            acknowledge_due_at=now,
            arrive_due_at=now,
            resolve_due_at=now,
        ).pk
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        assert Call.objects.get(pk=pk).categories == ",gas,"
        assert Call.objects.get(pk=pk).category_list == ["gas"]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_duty_room_takes_only_its_service_categories_but_never_turns_away_danger(
    client, worker_a, office
):
    office.categories = ",power,water,"
    office.save()
    api = ApiClient(worker_a, HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = assert_error(
        api.post(f"{BASE}/calls", _both(office, category="sanitation", also_categories=[])),
        422,
        "category",
    )
    assert "不受理" in body["errors"][0]["message"] and "停电" in body["errors"][0]["message"]
    assert_error(
        api.post(f"{BASE}/calls", _both(office, also_categories=["noise_dispute"])),
        422,
        "also_categories",
    )
    assert not Call.objects.exists()
    # A life-safety category and "other" are always taken.
    assert api.post(f"{BASE}/calls", _both(office)).status_code == 201
    taken = api.post(f"{BASE}/calls", _both(office, category="other", also_categories=[]))
    assert taken.status_code == 201
    # The intake page offers only what the room takes.
    client.force_login(worker_a)
    page = client.get(f"/hotline/calls/new/?office={office.pk}").content.decode()
    assert 'value="water"' in page and 'value="lift_entrapment"' in page
    assert 'value="sanitation"' not in page and 'value="noise_dispute"' not in page
