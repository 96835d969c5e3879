"""Scoped reads: who sees which needs, the worker's due list, the township summary."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.casework.models import ContactSchedule, Twinning, UnitMember
from doorstep.casework.selectors import (
    due_bucket,
    due_list_for,
    escalated_needs_visible_to,
    household_reachable_for,
    need_for,
    needs_visible_to,
    overdue_households_for,
    overdue_summary,
    referrals_visible_to,
)
from doorstep.casework.services import (
    needs_escalate,
    pairing_create,
    pairings_bulk_assign,
    referral_create,
    referral_decline,
)
from doorstep.casework.tests.factories import make_responder, make_unit, open_need
from doorstep.core.testing import make_household, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def test_due_buckets():
    assert due_bucket(TODAY - dt.timedelta(days=1), TODAY) == "overdue"
    assert due_bucket(TODAY, TODAY) == "due_this_week"
    assert due_bucket(TODAY + dt.timedelta(days=6), TODAY) == "due_this_week"
    assert due_bucket(TODAY + dt.timedelta(days=7), TODAY) == "later"


@pytest.fixture
def three_households(team_leader, worker_a, areas):
    households = [make_household(area=areas["village_a"]) for _ in range(3)]
    pairings_bulk_assign(
        actor=team_leader, worker=worker_a, household_ids=[h.pk for h in households], channel="t"
    )
    for household, due in zip(households, (-3, 2, 30), strict=True):
        ContactSchedule.objects.filter(household=household).update(
            next_due_on=TODAY + dt.timedelta(days=due)
        )
    return households


@pytest.fixture
def no_due_item_providers(monkeypatch):
    # Other apps' providers (welfare checks, placement follow-ups) add their own
    # queries; each pins its own count in its tests.
    from doorstep.casework import due_items

    monkeypatch.setattr(due_items, "_providers", [])


def test_the_due_list_is_bucketed_most_urgent_first_in_two_queries(
    worker_a, three_households, django_assert_num_queries, no_due_item_providers
):
    with django_assert_num_queries(2):
        due = due_list_for(worker_a, today=TODAY)
    assert [r.household for r in due.overdue] == [three_households[0]]
    assert [r.household for r in due.due_this_week] == [three_households[1]]
    assert [r.household for r in due.later] == [three_households[2]]
    assert due.overdue[0].days_overdue == 3
    assert due.overdue[0].head_name


def test_another_workers_due_list_is_empty_for_them(
    worker_b, three_households, no_due_item_providers
):
    due = due_list_for(worker_b, today=TODAY)
    assert (due.overdue, due.due_this_week, due.later) == ([], [], [])


def test_the_township_summary_counts_per_worker_and_team(
    team_leader, worker_a, areas, three_households, household_b, django_assert_num_queries
):
    from doorstep.casework.services import schedule_refresh

    schedule_refresh(household_ids=[household_b.pk])
    ContactSchedule.objects.filter(household=household_b).update(
        next_due_on=TODAY - dt.timedelta(days=1)
    )
    with django_assert_num_queries(1):
        summary = overdue_summary(team_leader, areas["township"], today=TODAY)
    (load,) = summary.workers
    assert (load.worker_id, load.households, load.overdue, load.due_this_week) == (
        worker_a.pk,
        3,
        1,
        1,
    )
    assert [(t.team_id, t.overdue) for t in summary.teams] == [(areas["village_a"].pk, 1)]
    assert (summary.unassigned.households, summary.unassigned.overdue) == (1, 1)
    drill = overdue_households_for(
        team_leader, areas["township"], worker_id=worker_a.pk, today=TODAY
    )
    assert [s.household for s in drill] == [three_households[0]]


def test_a_worker_gets_no_summary_and_nobody_gets_one_outside_their_area(
    worker_a, team_leader, areas
):
    with pytest.raises(Http404):
        overdue_summary(worker_a, areas["village_a"])
    with pytest.raises(Http404):
        overdue_summary(team_leader, areas["county"])


def test_an_analyst_gets_counts_but_never_households(analyst, areas, three_households):
    summary = overdue_summary(analyst, areas["county"], today=TODAY)
    assert summary.workers[0].overdue == 1
    assert not overdue_households_for(analyst, areas["county"], today=TODAY).exists()


@pytest.fixture
def far_staff(areas, team_leader, household_b):
    """A bureau's staff member working in another township, paired in village B."""
    unit = make_unit(area=areas["county"])
    Twinning.objects.create(unit=unit, village=areas["village_b"], started_on=dt.date(2026, 1, 1))
    staff = make_user(role=Role.WORKER, area=areas["village_c"], username="far")
    UnitMember.objects.create(user=staff, unit=unit)
    pairing_create(actor=team_leader, worker=staff, household=household_b, channel="t")
    return staff


def test_a_worker_sees_needs_of_households_paired_with_them_outside_their_area(
    far_staff, worker_b, household_a, household_b, worker_a, areas
):
    mine = open_need(actor=worker_b, household=household_b)
    open_need(actor=worker_a, household=household_a)
    in_own_village = open_need(actor=worker_a, household=make_household(area=areas["village_c"]))
    assert set(needs_visible_to(far_staff)) == {mine, in_own_village}
    assert need_for(far_staff, mine.pk, channel="t") == mine
    assert household_reachable_for(far_staff, household_b.pk, channel="t") == household_b


def test_a_worker_cannot_open_a_need_of_another_village(worker_a, worker_b, household_b):
    need = open_need(actor=worker_b, household=household_b)
    with pytest.raises(Http404):
        need_for(worker_a, need.pk, channel="t")


def test_responders_see_only_needs_referred_to_their_unit(worker_a, household_a, areas, responder):
    unit = make_unit(accepts_referrals=True)
    hr = make_responder(unit=unit, area=areas["county"])
    need = open_need(actor=worker_a, household=household_a)
    open_need(actor=worker_a, household=household_a)
    assert not needs_visible_to(hr).exists()
    referral = referral_create(actor=worker_a, need=need, unit=unit, channel="t")
    assert list(needs_visible_to(hr)) == [need]
    assert list(referrals_visible_to(hr)) == [referral]
    assert not needs_visible_to(responder).exists()  # a responder with no unit
    referral_decline(actor=hr, referral=referral, reason="不归我们管", channel="t")
    assert not needs_visible_to(hr).exists()
    assert list(referrals_visible_to(hr)) == [referral]  # the inbox keeps its history


def test_analysts_see_no_need(analyst, worker_a, household_a):
    open_need(actor=worker_a, household=household_a)
    assert not needs_visible_to(analyst).exists()


def test_escalations_show_to_team_leaders_then_supervisors(
    worker_a, household_a, team_leader, supervisor
):
    need = open_need(actor=worker_a, household=household_a, urgency="immediate")
    needs_escalate(now=need.opened_at + dt.timedelta(hours=5))
    assert list(escalated_needs_visible_to(team_leader)) == [need]
    assert not escalated_needs_visible_to(supervisor).exists()
    needs_escalate(now=timezone.now() + dt.timedelta(hours=20))
    assert list(escalated_needs_visible_to(supervisor)) == [need]
    assert not escalated_needs_visible_to(worker_a).exists()


def test_feedback_is_averaged_per_worker_for_the_team(worker_a, team_leader, areas, household_a):
    from doorstep.casework.models import NeedStatus
    from doorstep.casework.selectors import feedback_summary
    from doorstep.casework.services import feedback_record

    for score in (3, 5):
        need = open_need(actor=worker_a, household=household_a)
        type(need).objects.filter(pk=need.pk).update(status=NeedStatus.RESOLVED)
        need.refresh_from_db()
        feedback_record(actor=worker_a, need=need, satisfaction=score, channel="t")
    (row,) = feedback_summary(team_leader, areas["township"])
    assert (row["need__owner_id"], row["count"], row["average"]) == (worker_a.pk, 2, 4.0)
    assert feedback_summary(team_leader, areas["village_b"]) == []


def test_the_summary_lists_the_most_overdue_workers_but_counts_them_all(
    team_leader, worker_a, areas, three_households, django_assert_num_queries
):
    from doorstep.casework.services import pairing_create
    from doorstep.core.testing import make_household, make_user

    other = make_user(role="worker", area=areas["village_b"], username="worker_b2")
    household = make_household(area=areas["village_b"], household_no="652901001002-0042")
    pairing_create(actor=team_leader, worker=other, household=household, channel="t")
    with django_assert_num_queries(1):
        summary = overdue_summary(team_leader, areas["township"], today=TODAY, worker_limit=1)
    assert summary.workers_total == 2 and [w.worker_id for w in summary.workers] == [worker_a.pk]
    assert sum(t.households for t in summary.teams) == 4  # teams still count everyone
    one = overdue_summary(team_leader, areas["township"], today=TODAY, worker_id=other.pk)
    assert [w.worker_id for w in one.workers] == [other.pk]


def test_with_every_app_registered_an_empty_due_list_asks_one_query_more(
    worker_a, three_households, django_assert_num_queries
):
    # Welfare checks, placement follow-ups, withdrawn consent and corrections each have a
    # probe; all of them are answered by one query when none has anything to show.
    with django_assert_num_queries(3):
        due = due_list_for(worker_a, today=TODAY)
    assert due.items == []
