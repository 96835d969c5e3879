"""The nightly recomputation: changes made outside casework (vulnerabilities in the
registry, welfare-check rounds starting and ending) reach the schedule, and nothing
else is rewritten. See docs/decisions/0002-schedule-recomputation.md."""

import datetime as dt

import pytest

from doorstep.casework.models import ContactSchedule, ScheduleBasis, WelfareRound
from doorstep.casework.services import pairing_create, schedules_recompute_all
from doorstep.casework.tasks import schedules_recompute_nightly
from doorstep.core import periodic
from doorstep.core.testing import make_household
from doorstep.registry.services import resident_update

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def paired(team_leader, worker_a, areas):
    household = make_household(area=areas["village_a"], household_no="652901001001-0077")
    pairing_create(
        actor=team_leader,
        worker=worker_a,
        household=household,
        started_on=TODAY - dt.timedelta(days=3),
        channel="t",
    )
    return household


def _schedule(household) -> ContactSchedule:
    return ContactSchedule.objects.get(pk=household.pk)


def test_a_vulnerability_added_in_the_registry_shortens_the_interval_overnight(
    paired, worker_a, supervisor
):
    # A person's category, recorded on the member (issue #13), still makes the
    # household vulnerable.
    resident_update(
        actor=supervisor,
        resident=paired.residents.get(relationship="head"),
        vulnerabilities=["elderly_alone"],
        channel="t",
    )
    assert _schedule(paired).basis == ScheduleBasis.POLICY  # registry knows nothing of casework
    assert schedules_recompute_all(today=TODAY) == 1
    schedule = _schedule(paired)
    assert (schedule.basis, schedule.interval_days) == (ScheduleBasis.VULNERABLE, 14)
    assert schedule.next_due_on == TODAY - dt.timedelta(days=3) + dt.timedelta(days=14)


def test_a_round_starting_and_ending_moves_the_schedule_on_the_right_nights(paired, areas):
    WelfareRound.objects.create(
        area=areas["township"],
        name="cold spell",
        interval_days=3,
        starts_on=TODAY + dt.timedelta(days=1),
        ends_on=TODAY + dt.timedelta(days=5),
    )
    schedules_recompute_all(today=TODAY)
    assert _schedule(paired).basis == ScheduleBasis.POLICY  # not started yet
    schedules_recompute_all(today=TODAY + dt.timedelta(days=1))
    assert _schedule(paired).basis == ScheduleBasis.WELFARE_ROUND
    schedules_recompute_all(today=TODAY + dt.timedelta(days=5))
    assert _schedule(paired).basis == ScheduleBasis.WELFARE_ROUND  # its last day
    schedules_recompute_all(today=TODAY + dt.timedelta(days=6))
    assert _schedule(paired).basis == ScheduleBasis.POLICY


def test_a_second_run_writes_nothing(paired):
    schedules_recompute_all(today=TODAY)
    assert schedules_recompute_all(today=TODAY) == 0


def test_the_sweep_runs_a_fixed_number_of_queries_per_batch(
    paired, areas, team_leader, worker_a, django_assert_max_num_queries
):
    for n in range(5):
        household = make_household(area=areas["village_a"], household_no=f"652901001001-01{n}")
        pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
    with django_assert_max_num_queries(16):
        schedules_recompute_all(today=TODAY + dt.timedelta(days=1), batch_size=100)


def test_the_task_is_registered_nightly_after_one_in_the_morning(paired):
    names = {p.name: p for p in periodic.registered()}
    assert names["casework.schedules_recompute_nightly"].daily_at_hour == 1
    schedules_recompute_nightly.enqueue()  # immediate backend in tests
