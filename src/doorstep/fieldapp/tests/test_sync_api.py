"""GET /api/v1/field/sync: the caller's caseload, what changed in it, what left it;
bounded pages, gzip, one audit event per sync, never a full ID number."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.utils import timezone

from doorstep.casework.services import contact_log, pairing_create, pairing_end
from doorstep.casework.tests.factories import open_need
from doorstep.core.testing import make_household, make_id_number
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.fieldapp import services
from doorstep.privacy.models import AuditEvent
from doorstep.registry.models import HouseholdVulnerability

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/field/sync"


@pytest.fixture
def caseload(team_leader, worker_a, household_a, areas):
    other = make_household(area=areas["village_a"], household_no="652901001001-0002", members=2)
    for household in (household_a, other):
        pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
    return household_a, other


def _sync(client, cursor=None, **extra):
    path = SYNC + (f"?cursor={cursor}" if cursor else "")
    response = client.get(path, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_first_sync_sends_the_whole_caseload_as_cards(worker_a, caseload):
    household, other = caseload
    head = household.residents.get(relationship="head")
    head.id_number = make_id_number()
    head.save(update_fields=["id_number"])
    need = open_need(actor=worker_a, household=household)
    page = _sync(ApiClient(worker_a))
    assert page["full"] and not page["more"] and page["removed"] == []
    cards = {c["id"]: c for c in page["cards"]}
    assert set(cards) == {household.pk, other.pk}
    card = cards[household.pk]
    assert [n["id"] for n in card["needs"]] == [need.pk]
    assert card["needs"][0]["version"] == 1 and card["needs"][0]["timeline"]
    assert len(card["members"]) == 3 and card["schedule"]["mine"]
    # Never a full ID number on the phone: the last four characters at most.
    text = json.dumps(page)
    assert head.id_number not in text and head.id_number[:14] not in text
    tails = {m["name"]: m["id_tail"] for m in card["members"]}
    assert tails[head.name] == head.id_number[-4:]


def test_a_delta_sends_only_what_changed_and_what_left(
    worker_a, team_leader, caseload, monkeypatch
):
    monkeypatch.setattr(services, "OVERLAP", dt.timedelta(0))
    household, other = caseload
    client = ApiClient(worker_a)
    first = _sync(client)
    unchanged = _sync(client, first["cursor"])
    assert unchanged["full"] is False and unchanged["cards"] == [] and unchanged["removed"] == []
    contact_log(actor=worker_a, household=household, kind="visit", channel="t")
    pairing_end(actor=team_leader, pairing=other.pairings.get(ended_on__isnull=True), channel="t")
    delta = _sync(client, unchanged["cursor"])
    assert delta["removed"] == [other.pk]
    assert [c["id"] for c in delta["cards"]] == [household.pk]
    assert delta["cards"][0]["contacts"][0]["kind"] == "visit"
    assert _sync(client, delta["cursor"])["cards"] == []


def test_pages_are_bounded_and_the_cursor_walks_them(worker_a, team_leader, areas, monkeypatch):
    monkeypatch.setattr(services, "PAGE_HOUSEHOLDS", 2)
    for n in range(5):
        household = make_household(area=areas["village_a"], household_no=f"H-{n}", members=1)
        pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
    client = ApiClient(worker_a)
    seen, cursor, pages = [], None, 0
    while True:
        page = _sync(client, cursor)
        pages += 1
        assert len(page["cards"]) <= 2 and page["total"] == 5
        seen += [c["id"] for c in page["cards"]]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 5


def test_one_audit_event_per_sync_whatever_the_pages(worker_a, caseload, monkeypatch):
    monkeypatch.setattr(services, "PAGE_HOUSEHOLDS", 1)
    client = ApiClient(worker_a)
    before = AuditEvent.objects.count()
    page = _sync(client)
    _sync(client, page["cursor"])
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.object_type, e.action) for e in events] == [("field_sync", "export")]
    assert sorted(events[0].detail["households"]) == sorted(h.pk for h in caseload)


def test_the_answer_is_gzipped_when_the_phone_accepts_it(worker_a, caseload):
    response = ApiClient(worker_a).get(SYNC, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["cards"]


def test_a_cursor_of_someone_else_or_forged_is_refused(worker_a, worker_b, caseload):
    cursor = _sync(ApiClient(worker_a))["cursor"]
    assert_error(ApiClient(worker_b).get(f"{SYNC}?cursor={cursor}"), 422, field="cursor")
    assert_error(ApiClient(worker_a).get(f"{SYNC}?cursor=1.done:forged"), 422, field="cursor")


@pytest.mark.parametrize(
    ("persona", "status", "count"),
    [
        ("worker_a", 200, 2),
        ("worker_b", 200, 0),
        ("team_leader", 200, 0),
        ("supervisor", 403, None),
        ("analyst", 403, None),
        ("responder", 403, None),
    ],
)
def test_every_persona_gets_only_its_caseload(request, caseload, persona, status, count):
    user = request.getfixturevalue(persona)
    response = ApiClient(user).get(SYNC)
    assert response.status_code == status, response.content
    if count is not None:
        assert len(response.json()["cards"]) == count
    me = ApiClient(user).get("/api/v1/field/me")
    assert me.status_code == status


def test_a_resident_and_a_stranger_get_nothing(client, resident_a):
    assert client.get(SYNC).status_code == 401
    assert client.get("/api/v1/field/me").status_code == 401


def test_cards_carry_the_callers_welfare_checks_and_placement_follow_ups(
    worker_a, team_leader, supervisor, caseload, areas
):
    from doorstep.casework.services.welfare import RoundCriteria, welfare_round_start
    from doorstep.livelihoods import services as jobs
    from doorstep.livelihoods.tests.factories import adult, employer, opening, seeker

    household, _other = caseload
    # Living alone is a person's category (issue 13): the head's.
    HouseholdVulnerability.objects.create(
        household=household,
        resident=household.residents.get(relationship="head"),
        category="elderly_alone",
    )
    welfare_round_start(
        actor=supervisor,
        area=areas["village_a"],
        name="寒潮入户",
        deadline=timezone.localdate() + dt.timedelta(days=2),
        criteria=RoundCriteria(categories=("elderly_alone",), heads_only=True),
        checklist=("food_water",),
        channel="t",
    )
    job = opening(team_leader, employer(team_leader, areas["village_a"]), skills=("tailoring",))
    proposal = jobs.proposal_create(
        actor=team_leader,
        opening=job,
        seeker=seeker(team_leader, adult(household), skills=("tailoring",)),
        channel="t",
    )
    jobs.proposal_agree(actor=team_leader, proposal=proposal, channel="t")
    jobs.proposal_accept(
        actor=team_leader,
        proposal=proposal,
        started_on=timezone.localdate() - dt.timedelta(days=26),
        channel="t",
    )
    card = next(c for c in _sync(ApiClient(worker_a))["cards"] if c["id"] == household.pk)
    assert [c["round"] for c in card["checks"]] == ["寒潮入户"]
    assert card["checks"][0]["questions"][0]["key"] == "food_water"
    assert [f["month"] for f in card["follow_ups"]] == [1, 3, 6]
    assert card["follow_ups"][0]["job"] == job.title


def test_a_page_costs_the_same_queries_for_2_or_8_households(worker_a, team_leader, areas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = ApiClient(worker_a)
    _sync(client)  # warm up: the token's first use writes its last_used_at

    def queries_for_a_sync() -> int:
        with CaptureQueriesContext(connection) as captured:
            _sync(client)
        return len(captured.captured_queries)

    for n in range(2):
        household = make_household(area=areas["village_a"], household_no=f"Q-{n}", members=3)
        pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
        open_need(actor=worker_a, household=household)
    small = queries_for_a_sync()
    for n in range(2, 8):
        household = make_household(area=areas["village_a"], household_no=f"Q-{n}", members=3)
        pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
        open_need(actor=worker_a, household=household)
        contact_log(actor=worker_a, household=household, kind="visit", channel="t")
    assert queries_for_a_sync() == small


def test_a_sync_after_the_outbox_delivered_visits_refreshes_the_dashboards(
    worker_a, caseload, areas
):
    from doorstep.insights import rollup
    from doorstep.insights.models import AreaDay

    household, _other = caseload
    rollup.refresh_recent(days=2)
    yesterday = timezone.now() - dt.timedelta(days=1)
    contact_log(
        actor=worker_a, household=household, kind="visit", occurred_at=yesterday, channel="t"
    )
    day = timezone.localdate(yesterday)
    assert not AreaDay.objects.filter(area=household.area, day=day, contacts__gt=0).exists()
    _sync(ApiClient(worker_a))  # tasks run at once in tests; the task worker in production
    assert AreaDay.objects.get(area=household.area, day=day).contacts == 1
