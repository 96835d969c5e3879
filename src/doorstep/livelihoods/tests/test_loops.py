"""Loops 2 and 3 through the API: a relapse episode is one need per household, help
linked to it, the need resolved and the flags cleared at once; a placement that lasts
past its 1-month follow-up asks the owner to resolve the job need; placements ended or
changed with a reason; income by month compared like with like. Bad input: a 4xx naming
the field, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.casework.models import Need, NeedEventKind, NeedStatus, Notification
from doorstep.casework.services import need_transition, pairing_create
from doorstep.casework.tests.factories import open_need
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.livelihoods import services
from doorstep.livelihoods.models import (
    FlagStatus,
    HouseholdYear,
    IncomeMonth,
    LifeEventKind,
    NeedLink,
    PlacementChange,
    PlacementStatus,
    RelapseFlag,
)
from doorstep.livelihoods.tests.factories import adult, employer, opening, seeker

pytestmark = pytest.mark.django_db
API = "/api/v1/livelihoods"
CH = "test"
TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def paired(team_leader, worker_a, household_a):
    return pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)


@pytest.fixture
def placement(paired, worker_a, team_leader, household_a, areas):
    emp = employer(team_leader, areas["village_a"])
    job = opening(team_leader, emp, skills=("tailoring",))
    s = seeker(worker_a, adult(household_a), skills=("tailoring",))
    p = services.proposal_create(actor=worker_a, opening=job, seeker=s, channel=CH)
    services.proposal_agree(actor=worker_a, proposal=p, channel=CH)
    return services.proposal_accept(
        actor=worker_a, proposal=p, started_on=TODAY - dt.timedelta(days=35), channel=CH
    )


def _resolve(worker, need):
    for action in ("acknowledge", "start", "resolve"):
        need = Need.objects.get(pk=need.pk)
        if action == "acknowledge" and need.status != "open":
            continue
        if action == "start" and need.status != "acknowledged":
            continue
        need = need_transition(actor=worker, need=need, action=action, channel=CH)
    return need


def test_a_relapse_episode_is_one_need_and_resolving_it_clears_every_flag_at_once(
    paired, worker_a, household_a, placement
):
    client = ApiClient(worker_a)
    # Three members, 9,000 a year: under 7,500 a person; then a lost job and an illness.
    assert (
        client.call(
            "PUT",
            f"{API}/households/{household_a.pk}/income",
            {"year": TODAY.year, "source": "wages", "amount": "9000"},
        ).status_code
        == 200
    )
    for kind in (LifeEventKind.JOB_LOST, LifeEventKind.SERIOUS_ILLNESS):
        services.life_event_record(
            actor=worker_a, household=household_a, kind=kind, occurred_on=TODAY, channel=CH
        )
    flags = RelapseFlag.objects.filter(household=household_a, status=FlagStatus.OPEN)
    assert flags.count() == 3
    needs = {f.need_id for f in flags}
    assert len(needs) == 1  # one need for the household's episode, not one per flag
    need = Need.objects.get(pk=needs.pop())
    assert need.description.count("•") == 3  # it lists every flag
    # Help recorded: the placement answers the need; then the need is resolved.
    linked = client.post(
        f"{API}/help-links", {"kind": "placement", "id": placement.pk, "needs": [need.pk]}
    )
    assert linked.status_code == 200, linked.content
    assert linked.json()["needs"] == [need.pk]
    assert need.events.filter(kind=NeedEventKind.HELP_LINKED).exists()
    _resolve(worker_a, need)
    assert not RelapseFlag.objects.filter(household=household_a, status=FlagStatus.OPEN).exists()
    assert set(
        RelapseFlag.objects.filter(household=household_a).values_list("clear_reason", flat=True)
    ) == {"resolved"}


def test_a_placement_past_its_first_follow_up_asks_to_resolve_the_job_need(
    paired, worker_a, household_a, placement
):
    need = open_need(actor=worker_a, household=household_a, category="employment")
    client = ApiClient(worker_a)
    client.post(f"{API}/help-links", {"kind": "placement", "id": placement.pk, "needs": [need.pk]})
    need.refresh_from_db()
    assert need.resolution_proposed == ""  # not final yet: placed, not followed up
    first = placement.follow_ups.get(month=1)
    done = client.post(f"{API}/follow-ups/{first.pk}", {"still_employed": True})
    assert done.status_code == 200, done.content
    need.refresh_from_db()
    assert placement.opening.title in need.resolution_proposed
    asked = Notification.objects.get(recipient=worker_a, kind="resolve_asked")
    assert asked.need_id == need.pk
    need = _resolve(worker_a, need)
    assert need.status == NeedStatus.RESOLVED


def test_linking_refuses_needs_of_another_household_and_resolved_needs(
    paired, worker_a, household_a, household_b, worker_b, placement
):
    other = open_need(actor=worker_b, household=household_b)
    client = ApiClient(worker_a)
    bad = client.post(
        f"{API}/help-links", {"kind": "placement", "id": placement.pk, "needs": [other.pk]}
    )
    assert_error(bad, 422, field="needs")
    assert not NeedLink.objects.exists()
    # A worker of another village does not find the placement at all.
    mine = open_need(actor=worker_a, household=household_a)
    away = ApiClient(worker_b).post(
        f"{API}/help-links", {"kind": "placement", "id": placement.pk, "needs": [mine.pk]}
    )
    assert away.status_code == 404
    for persona_status in (ApiClient(worker_b),):
        assert persona_status.post(f"{API}/placements/{placement.pk}/end", {}).status_code in (
            404,
            422,
        )


def test_a_placement_is_ended_or_changed_with_a_reason(
    paired, worker_a, analyst, responder, placement
):
    client = ApiClient(worker_a)
    no_reason = client.post(
        f"{API}/placements/{placement.pk}/change", {"wage_monthly": "3000", "reason": " "}
    )
    assert_error(no_reason, 422, field="reason")
    changed = client.post(
        f"{API}/placements/{placement.pk}/change",
        {"wage_monthly": "3600", "reason": "学徒期满，转为正式工"},
    )
    assert changed.status_code == 200 and changed.json()["wage_monthly"] == "3600.00"
    for other in (analyst, responder):
        response = ApiClient(other).post(
            f"{API}/placements/{placement.pk}/end",
            {"ended_on": TODAY.isoformat(), "reason": "x"},
        )
        assert response.status_code in (403, 404)
    ended = client.post(
        f"{API}/placements/{placement.pk}/end",
        {"ended_on": TODAY.isoformat(), "reason": "自己开店"},
    )
    assert ended.status_code == 200 and ended.json()["status"] == PlacementStatus.ENDED
    assert list(PlacementChange.objects.values_list("kind", "reason")) == [
        ("changed", "学徒期满，转为正式工"),
        ("ended", "自己开店"),
    ]
    again = client.post(
        f"{API}/placements/{placement.pk}/end", {"ended_on": TODAY.isoformat(), "reason": "x"}
    )
    assert_error(again, 422, field="placement")


def test_a_first_month_of_income_never_reads_as_a_year(worker_a, household_a, settings):
    settings.DOORSTEP_INCOME_MIN_MONTHS = 6
    client = ApiClient(worker_a)
    url = f"{API}/households/{household_a.pk}/income-months"
    first = client.post(
        url, {"year": LAST_YEAR, "month": 1, "source": "business", "amount": "7000"}
    )
    assert first.status_code == 200, first.content
    year = HouseholdYear.objects.get(household=household_a, year=LAST_YEAR)
    assert (year.months, year.sources) == (1, 0)
    assert not RelapseFlag.objects.filter(household=household_a).exists()
    twice = client.post(url, {"year": LAST_YEAR, "month": 1, "source": "business", "amount": "5"})
    body = assert_error(twice, 422, field="month")
    assert body["errors"][0]["message"]
    assert IncomeMonth.objects.count() == 1
    # From the sixth month on, the months count for the year, annualised.
    for month in range(2, 7):
        client.post(
            url, {"year": LAST_YEAR, "month": month, "source": "business", "amount": "1000"}
        )
    year.refresh_from_db()
    assert year.months == 6 and year.income_total == 24000  # (7,000 + 5 x 1,000) x 12 / 6


def test_bad_months_are_refused_naming_the_field_in_the_callers_language(worker_a, household_a):
    url = f"{API}/households/{household_a.pk}/income-months"
    client = ApiClient(worker_a)
    future = client.post(
        url,
        {"year": TODAY.year + 1, "month": 1, "source": "wages", "amount": "1"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] in ("year", "month")
    assert not IncomeMonth.objects.exists()


def test_the_migration_merges_a_households_relapse_needs_into_one(paired, worker_a, household_a):
    import importlib

    from django.apps import apps

    from doorstep.livelihoods.models import RelapseRule

    migration = importlib.import_module(
        "doorstep.livelihoods.migrations.0006_one_relapse_need_per_household"
    )
    rules = list(RelapseRule.objects.order_by("pk")[:3])
    needs = [open_need(actor=worker_a, household=household_a) for _ in rules]
    now = dt.datetime.now(dt.UTC)
    for rule, need in zip(rules, needs, strict=True):
        RelapseFlag.objects.create(
            household=household_a, rule=rule, basis="y1", raised_at=now, evaluated_at=now, need=need
        )
    migration.merge(apps, None)
    open_needs = Need.objects.filter(household=household_a, status="open")
    assert list(open_needs.values_list("pk", flat=True)) == [needs[0].pk]
    assert set(RelapseFlag.objects.values_list("need_id", flat=True)) == {needs[0].pk}
    assert Need.objects.filter(pk__in=[n.pk for n in needs[1:]], status="resolved").count() == 2
