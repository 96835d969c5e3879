"""Welfare-check rounds: who is selected (counted against a hand-built area), who gets
each check (the paired worker, else the nearest available one), recording a check
(answers, not reached, a problem opens a need), closing, and refusals that leave
nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.areas.models import AreaLevel
from doorstep.areas.services import area_create
from doorstep.casework.models import (
    Contact,
    ContactSchedule,
    Need,
    ScheduleBasis,
    WelfareAssignment,
    WelfareCheck,
    WelfareCheckStatus,
    WelfareRound,
)
from doorstep.casework.services import pairing_create
from doorstep.casework.services.schedule import IntervalResolver
from doorstep.casework.services.welfare import (
    RoundCriteria,
    WelfareConflict,
    residents_matching_count,
    welfare_check_record,
    welfare_checks_reassign,
    welfare_round_close,
    welfare_round_start,
)
from doorstep.core.testing import make_household, make_user
from doorstep.privacy.models import AuditEvent
from doorstep.registry.models import HouseholdVulnerability, Relationship, Resident

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ELDERLY_OR_DISABLED = RoundCriteria(categories=("elderly_alone", "disability"))


def _born(age: int) -> dt.date:
    return TODAY.replace(year=TODAY.year - age) - dt.timedelta(days=10)


@pytest.fixture
def town(areas, team_leader, worker_a, worker_b):
    """Households of a township, by hand:

    - alone: village A, elderly alone, one resident aged 80, paired with worker_a;
    - family: village B, low income, three residents (70, 40, no birth date) each with a
      disability (a person's category, on each resident), unpaired;
      two workers in village B, worker_b near it and far_b far;
    - grid: grid A1, elderly alone, one resident, unpaired: the nearest covering worker
      is worker_a (village A), not the team leader (township) further away;
    - poor: village A, low income only: never selected below;
    - elsewhere: village C (the other township), elderly alone: outside `township`.
    """
    worker_a.latitude, worker_a.longitude = 41.170, 80.260
    worker_a.save()
    worker_b.latitude, worker_b.longitude = 41.180, 80.281
    worker_b.save()
    team_leader.latitude, team_leader.longitude = 41.30, 80.50
    team_leader.save()
    far_b = make_user(
        role=Role.WORKER, area=areas["village_b"], username="far_b", latitude=41.5, longitude=81.0
    )
    alone = make_household(area=areas["village_a"], vulnerabilities=("elderly_alone",))
    Resident.objects.filter(household=alone).update(birth_date=_born(80))
    pairing_create(actor=team_leader, worker=worker_a, household=alone, channel="t")
    family = make_household(
        area=areas["village_b"],
        vulnerabilities=("low_income",),
        members=3,
        latitude=41.181,
        longitude=80.282,
    )
    ages = [70, 40, None]
    for resident, age in zip(family.residents.order_by("pk"), ages, strict=True):
        resident.birth_date = _born(age) if age else None
        resident.save()
        HouseholdVulnerability.objects.create(
            household=family, resident=resident, category="disability"
        )
    grid = make_household(
        area=areas["grid_a1"], vulnerabilities=("elderly_alone",), latitude=41.171, longitude=80.261
    )
    poor = make_household(area=areas["village_a"], vulnerabilities=("low_income",))
    elsewhere = make_household(area=areas["village_c"], vulnerabilities=("elderly_alone",))
    return {
        "alone": alone,
        "family": family,
        "grid": grid,
        "poor": poor,
        "elsewhere": elsewhere,
        "far_b": far_b,
    }


def _start(actor, area, criteria=ELDERLY_OR_DISABLED, **extra):
    kwargs = {
        "name": "寒潮入户",
        "deadline": TODAY + dt.timedelta(days=3),
        "criteria": criteria,
        "channel": "t",
        **extra,
    }
    return welfare_round_start(actor=actor, area=area, **kwargs)


def test_a_round_checks_every_selected_resident_of_the_area_and_nobody_else(
    supervisor, areas, town
):
    started = _start(supervisor, areas["township"])
    checks = WelfareCheck.objects.filter(round=started.welfare_round)
    # alone (1) + family (3) + grid (1); not poor, not elsewhere.
    assert started.checks == checks.count() == 5
    assert started.welfare_round.check_count == 5
    assert set(checks.values_list("household_id", flat=True)) == {
        town["alone"].pk,
        town["family"].pk,
        town["grid"].pk,
    }
    assert set(checks.values_list("status", flat=True)) == {WelfareCheckStatus.PENDING}
    assert (
        residents_matching_count(area=areas["township"], criteria=ELDERLY_OR_DISABLED, on=TODAY)
        == 5
    )
    # The county's round also holds village C's resident.
    assert _start(supervisor, areas["county"]).checks == 6


def test_age_bounds_and_heads_only_narrow_the_selection(supervisor, areas, town):
    assert _start(supervisor, areas["township"], RoundCriteria(min_age=65)).checks == 2  # 80, 70
    over_30 = RoundCriteria(categories=("disability",), min_age=30, max_age=69)
    assert _start(supervisor, areas["township"], over_30).checks == 1  # the 40-year-old
    heads = RoundCriteria(categories=("disability", "elderly_alone"), heads_only=True)
    assert _start(supervisor, areas["township"], heads).checks == 3


def test_a_persons_category_checks_that_person_and_not_their_grandchildren(supervisor, areas):
    """Issue #13: a round over widowed elderly checked the grandchildren aged 16 and 18."""
    home = make_household(area=areas["village_a"], members=1)
    grandmother = home.residents.get()
    grandmother.birth_date = _born(78)
    grandmother.save()
    for age in (16, 18):
        Resident.objects.create(
            household=home,
            name=f"孙{age}",
            relationship=Relationship.GRANDCHILD,
            birth_date=_born(age),
        )
    HouseholdVulnerability.objects.create(
        household=home, resident=grandmother, category="widowed_elderly"
    )
    widowed = RoundCriteria(categories=("widowed_elderly",))
    started = _start(supervisor, areas["village_a"], widowed)
    assert list(
        WelfareCheck.objects.filter(round=started.welfare_round).values_list(
            "resident_id", flat=True
        )
    ) == [grandmother.pk]
    assert residents_matching_count(area=areas["village_a"], criteria=widowed, on=TODAY) == 1
    # A household's own category (low income) still checks every member.
    HouseholdVulnerability.objects.create(household=home, category="low_income")
    both = RoundCriteria(categories=("widowed_elderly", "low_income"))
    assert _start(supervisor, areas["village_a"], both).checks == 3


def test_checks_go_to_the_paired_worker_else_the_nearest_available_one(
    supervisor, areas, town, worker_a, worker_b
):
    started = _start(supervisor, areas["township"])
    by_household = {
        c.household_id: (c.worker_id, c.assigned_as)
        for c in WelfareCheck.objects.filter(round=started.welfare_round)
    }
    assert by_household[town["alone"].pk] == (worker_a.pk, WelfareAssignment.PAIRED)
    # worker_b is a few hundred metres away, far_b fifty kilometres.
    assert by_household[town["family"].pk] == (worker_b.pk, WelfareAssignment.NEAREST)
    # Grid A1 lies in village A: worker_a holds it and is nearer than the team leader.
    assert by_household[town["grid"].pk] == (worker_a.pk, WelfareAssignment.NEAREST)
    assert (started.nearest, started.unassigned) == (2, 0)
    # Every resident of a household goes to the same worker.
    assert (
        WelfareCheck.objects.filter(round=started.welfare_round, household=town["family"])
        .values("worker_id")
        .distinct()
        .count()
        == 1
    )


def test_without_a_worker_holding_the_village_the_townships_nearest_is_chosen(
    supervisor, areas, town
):
    village_d = area_create(
        code="652901002002",
        name="新村",
        level=AreaLevel.VILLAGE,
        parent=areas["township2"],
        latitude=41.0,
        longitude=80.0,
    )
    near = make_user(role=Role.WORKER, area=village_d, latitude=41.01, longitude=80.01)
    make_user(role=Role.WORKER, area=village_d, latitude=42.0, longitude=82.0)
    make_user(role=Role.ANALYST, area=village_d, latitude=41.0, longitude=80.0)  # not available
    started = _start(supervisor, areas["township2"])
    check = WelfareCheck.objects.get(round=started.welfare_round)
    # Village C has no worker and neither it nor the household has a location: one of
    # the township's workers (the first) is given the check.
    assert (check.worker_id, check.assigned_as) == (near.pk, WelfareAssignment.NEAREST)
    # With a location, the nearest of them.
    town["elsewhere"].latitude, town["elsewhere"].longitude = 41.9, 81.9
    town["elsewhere"].save()
    again = _start(supervisor, areas["township2"])
    assert WelfareCheck.objects.get(round=again.welfare_round).worker_id != near.pk


def test_a_household_nobody_can_reach_is_counted_unassigned(supervisor, areas, town):
    started = _start(supervisor, areas["township2"])
    check = WelfareCheck.objects.get(round=started.welfare_round)
    assert (check.worker_id, check.assigned_as) == (None, WelfareAssignment.NONE)
    assert started.unassigned == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deadline": TODAY - dt.timedelta(days=1)}, "deadline"),
        ({"checklist": (), "extra_questions": ()}, "checklist"),
        ({"checklist": ("heating", "bogus")}, "checklist"),
        ({"extra_questions": ("no_such_question",)}, "extra_questions"),
        ({"name": "  "}, "name"),
        ({"criteria": RoundCriteria()}, "categories"),
        ({"criteria": RoundCriteria(categories=("no_such",))}, "categories"),
        ({"criteria": RoundCriteria(min_age=70, max_age=60)}, "max_age"),
        ({"criteria": RoundCriteria(categories=("left_behind_child",))}, "categories"),
        ({"interval_days": 0}, "interval_days"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(supervisor, areas, town, changes, field):
    with pytest.raises(ValidationError) as caught:
        _start(supervisor, areas["township"], **changes)
    assert field in caught.value.message_dict
    assert not WelfareRound.objects.exists()
    assert not WelfareCheck.objects.exists()
    assert not AuditEvent.objects.filter(object_type="welfare_round").exists()


def test_an_area_outside_the_scope_and_a_role_that_may_not_are_refused(
    team_leader, worker_a, areas, town
):
    with pytest.raises(ValidationError) as caught:
        _start(team_leader, areas["township2"])
    assert "area" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        _start(worker_a, areas["village_a"])
    # A team leader runs a round in their own area.
    assert _start(team_leader, areas["village_b"]).checks == 3


@pytest.fixture
def cold_round(supervisor, areas, town):
    from doorstep.casework.tests.factories import make_question

    make_question(area=areas["county"], created_by=supervisor, key="q1")
    return _start(supervisor, areas["township"], extra_questions=("q1",)).welfare_round


def _check(cold_round, household):
    return WelfareCheck.objects.filter(round=cold_round, household=household).first()


ALL_YES = {
    "food_water": True,
    "medicines": True,
    "heating": True,
    "phone": True,
    "someone_to_call": True,
    "q1": True,
}


def test_a_check_with_every_answer_yes_is_done_and_counts_as_a_contact(cold_round, town, worker_a):
    check = _check(cold_round, town["alone"])
    done = welfare_check_record(
        actor=worker_a,
        check=check,
        outcome="done",
        answers=ALL_YES,
        expected_version=1,
        channel="t",
    )
    assert (done.status, done.attempts, done.need_id, done.version) == ("done", 1, None, 2)
    contact = Contact.objects.get(household=town["alone"])
    assert contact.checklist == ALL_YES
    assert ContactSchedule.objects.get(household=town["alone"]).last_contact_at is not None


def test_a_check_done_offline_keeps_when_it_happened_and_refuses_the_future(
    cold_round, town, worker_a
):
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    check = _check(cold_round, town["alone"])
    for wrong in (timezone.now() + dt.timedelta(hours=2), timezone.now() - dt.timedelta(days=90)):
        with pytest.raises(ValidationError) as refused:
            welfare_check_record(
                actor=worker_a,
                check=check,
                outcome="done",
                answers=ALL_YES,
                expected_version=1,
                occurred_at=wrong,
                channel="t",
            )
        assert "occurred_at" in refused.value.message_dict
    yesterday = timezone.now() - dt.timedelta(days=1)
    done = welfare_check_record(
        actor=worker_a,
        check=check,
        outcome="done",
        answers=ALL_YES,
        expected_version=1,
        occurred_at=yesterday,
        channel="t",
    )
    assert done.checked_at == yesterday
    assert Contact.objects.get(household=town["alone"]).occurred_at == yesterday
    schedule = ContactSchedule.objects.get(household=town["alone"])
    assert schedule.last_contact_at == yesterday


def test_a_no_opens_a_need_linked_to_the_check(cold_round, town, worker_a):
    check = _check(cold_round, town["alone"])
    answers = {**ALL_YES, "heating": False}
    done = welfare_check_record(
        actor=worker_a,
        check=check,
        outcome="done",
        answers=answers,
        note="炉子坏了",
        expected_version=1,
        channel="t",
    )
    need = Need.objects.get()
    assert done.need == need
    assert (need.household_id, need.category, need.urgency) == (
        town["alone"].pk,
        "housing",
        "high",
    )
    assert "Heating" in need.shown_title and need.description == "炉子坏了"
    # Kept as the question answered "no", shown in each reader's language (issue 17).
    assert (need.title_code, need.title_params) == (
        "casework.welfare_need",
        {"problems": ["heating"]},
    )


def test_not_reached_counts_a_try_and_the_check_can_be_done_later(cold_round, town, worker_a):
    check = _check(cold_round, town["alone"])
    tried = welfare_check_record(
        actor=worker_a, check=check, outcome="not_reached", expected_version=1, channel="t"
    )
    assert (tried.status, tried.attempts) == (WelfareCheckStatus.NOT_REACHED, 1)
    tried = welfare_check_record(
        actor=worker_a, check=check, outcome="not_reached", expected_version=2, channel="t"
    )
    done = welfare_check_record(
        actor=worker_a,
        check=check,
        outcome="done",
        answers=ALL_YES,
        expected_version=3,
        channel="t",
    )
    assert (done.status, done.attempts) == (WelfareCheckStatus.DONE, 3)


def test_a_stale_version_a_second_answer_and_missing_answers_are_refused(
    cold_round, town, worker_a
):
    check = _check(cold_round, town["alone"])
    with pytest.raises(ValidationError) as caught:
        welfare_check_record(
            actor=worker_a,
            check=check,
            outcome="done",
            answers={"heating": True},
            expected_version=1,
            channel="t",
        )
    assert "answers.medicines" in caught.value.message_dict
    assert "answers.q1" in caught.value.message_dict
    welfare_check_record(
        actor=worker_a,
        check=check,
        outcome="done",
        answers=ALL_YES,
        expected_version=1,
        channel="t",
    )
    with pytest.raises(WelfareConflict):
        welfare_check_record(
            actor=worker_a,
            check=check,
            outcome="done",
            answers=ALL_YES,
            expected_version=1,
            channel="t",
        )
    with pytest.raises(ValidationError) as caught:
        welfare_check_record(
            actor=worker_a,
            check=check,
            outcome="done",
            answers=ALL_YES,
            expected_version=2,
            channel="t",
        )
    assert "outcome" in caught.value.message_dict
    assert Contact.objects.count() == 1 and not Need.objects.exists()


def test_reassigning_is_all_or_nothing(cold_round, town, supervisor, worker_a, worker_b):
    family = list(WelfareCheck.objects.filter(round=cold_round, household=town["family"]))
    alone = _check(cold_round, town["alone"])
    welfare_check_record(
        actor=worker_a,
        check=alone,
        outcome="done",
        answers=ALL_YES,
        expected_version=1,
        channel="t",
    )
    scope = WelfareCheck.objects.filter(round=cold_round)
    with pytest.raises(ValidationError) as caught:
        welfare_checks_reassign(
            actor=supervisor,
            welfare_round=cold_round,
            check_ids=[family[0].pk, alone.pk],
            worker=worker_a,
            checks_in_scope=scope,
            channel="t",
        )
    assert "checks" in caught.value.message_dict
    assert WelfareCheck.objects.get(pk=family[0].pk).worker == worker_b
    moved = welfare_checks_reassign(
        actor=supervisor,
        welfare_round=cold_round,
        check_ids=[c.pk for c in family],
        worker=worker_a,
        checks_in_scope=scope,
        channel="t",
    )
    assert moved == 3
    assert set(
        WelfareCheck.objects.filter(round=cold_round, household=town["family"]).values_list(
            "worker_id", "assigned_as", "version"
        )
    ) == {(worker_a.pk, WelfareAssignment.REASSIGNED, 2)}


def test_closing_a_round_stops_its_interval_and_refuses_further_checks(
    supervisor, team_leader, areas, town, worker_a
):
    started = _start(supervisor, areas["county"], interval_days=2)
    welfare_round = started.welfare_round
    area = town["alone"].area
    interval = IntervalResolver([area], on=TODAY).interval(area, vulnerable=True)
    assert (interval.days, interval.basis) == (2, ScheduleBasis.WELFARE_ROUND)
    with pytest.raises(PermissionDenied):
        welfare_round_close(actor=team_leader, welfare_round=welfare_round, channel="t")
    welfare_round_close(actor=supervisor, welfare_round=welfare_round, channel="t")
    interval = IntervalResolver([area], on=TODAY).interval(area, vulnerable=True)
    assert interval.basis == ScheduleBasis.VULNERABLE
    with pytest.raises(ValidationError) as caught:
        welfare_round_close(actor=supervisor, welfare_round=welfare_round, channel="t")
    assert "status" in caught.value.message_dict
    welfare_round.refresh_from_db()
    check = _check(welfare_round, town["alone"])
    with pytest.raises(ValidationError) as caught:
        welfare_check_record(
            actor=worker_a, check=check, outcome="not_reached", expected_version=1, channel="t"
        )
    assert "round" in caught.value.message_dict


def test_a_round_without_an_interval_leaves_the_schedule_alone(supervisor, areas, town):
    _start(supervisor, areas["township"])
    area = town["alone"].area
    assert IntervalResolver([area], on=TODAY).interval(area, vulnerable=True).basis == (
        ScheduleBasis.VULNERABLE
    )


def test_deleting_a_resident_or_a_household_deletes_their_checks(cold_round, town):
    family = town["family"]
    resident = family.residents.order_by("pk").last()
    resident.delete()
    assert WelfareCheck.objects.filter(round=cold_round, household=family).count() == 2
    family_id = family.pk
    family.delete()
    assert not WelfareCheck.objects.filter(round=cold_round, household_id=family_id).exists()
    assert WelfareCheck.objects.filter(round=cold_round).count() == 2  # alone and grid
