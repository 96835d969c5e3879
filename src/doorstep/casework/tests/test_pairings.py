"""Pairing by hand, one by one and in bulk: scope, twinning and capacity rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.casework.models import ContactSchedule, Pairing, Twinning, UnitKind, UnitMember
from doorstep.casework.services import pairing_create, pairing_end, pairings_bulk_assign
from doorstep.casework.tests.factories import make_unit
from doorstep.core.testing import make_household, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def unit_staff(areas):
    """Staff of a county bureau, based in another township, twinned with village B."""
    unit = make_unit(name="县农业农村局", kind=UnitKind.AGRICULTURE, area=areas["county"])
    Twinning.objects.create(unit=unit, village=areas["village_b"], started_on=dt.date(2026, 1, 1))
    staff = make_user(role=Role.WORKER, area=areas["village_c"], username="bureau_staff")
    UnitMember.objects.create(user=staff, unit=unit)
    return staff


def _pair(actor, worker, household, **kw):
    return pairing_create(actor=actor, worker=worker, household=household, channel="t", **kw)


def test_team_leader_pairs_a_worker_of_the_village(team_leader, worker_a, household_a):
    pairing = _pair(team_leader, worker_a, household_a)
    assert pairing.is_active and pairing.started_on == TODAY()
    assert ContactSchedule.objects.get(household=household_a).worker == worker_a


def test_workers_cannot_pair(worker_a, household_a):
    with pytest.raises(PermissionDenied):
        _pair(worker_a, worker_a, household_a)


def test_team_leader_cannot_pair_a_household_outside_their_area(team_leader, worker_a, areas):
    elsewhere = make_household(area=areas["village_c"])
    with pytest.raises(ValidationError):
        _pair(team_leader, worker_a, elsewhere)


def test_a_village_worker_is_paired_only_within_their_village(team_leader, worker_a, household_b):
    with pytest.raises(ValidationError):
        _pair(team_leader, worker_a, household_b)


def test_a_units_staff_pair_only_with_households_of_twinned_villages(
    team_leader, unit_staff, household_a, household_b
):
    assert _pair(team_leader, unit_staff, household_b).worker == unit_staff
    with pytest.raises(ValidationError) as exc:
        _pair(team_leader, unit_staff, household_a)
    assert "household" in exc.value.message_dict


def test_an_ended_twinning_no_longer_allows_pairing(team_leader, unit_staff, household_b):
    Twinning.objects.update(ended_on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError):
        _pair(team_leader, unit_staff, household_b)


def test_repairing_keeps_the_households_history(team_leader, worker_a, areas, household_a):
    other = make_user(role=Role.WORKER, area=areas["village_a"])
    first = _pair(team_leader, worker_a, household_a, started_on=TODAY() - dt.timedelta(days=30))
    with pytest.raises(ValidationError):
        _pair(team_leader, other, household_a)
    second = _pair(team_leader, other, household_a, replace=True)
    first.refresh_from_db()
    assert first.ended_on == TODAY() and second.is_active
    assert Pairing.objects.filter(household=household_a).count() == 2
    assert ContactSchedule.objects.get(household=household_a).worker == other


def test_ending_a_pairing_leaves_the_household_unassigned(team_leader, worker_a, household_a):
    pairing = _pair(team_leader, worker_a, household_a, started_on=TODAY() - dt.timedelta(days=3))
    pairing_end(actor=team_leader, pairing=pairing, channel="t")
    assert not Pairing.objects.active().exists()
    assert ContactSchedule.objects.get(household=household_a).worker is None
    with pytest.raises(ValidationError):
        pairing_end(actor=team_leader, pairing=pairing, channel="t")


def test_a_pairing_cannot_end_before_it_started(team_leader, worker_a, household_a):
    pairing = _pair(team_leader, worker_a, household_a)
    with pytest.raises(ValidationError):
        pairing_end(
            actor=team_leader, pairing=pairing, ended_on=TODAY() - dt.timedelta(days=1), channel="t"
        )


def test_bulk_assignment_pairs_and_repairs_in_one_go(team_leader, worker_a, areas):
    households = [make_household(area=areas["village_a"]) for _ in range(5)]
    other = make_user(role=Role.WORKER, area=areas["village_a"])
    _pair(team_leader, other, households[0])
    _pair(team_leader, worker_a, households[1])
    created = pairings_bulk_assign(
        actor=team_leader, worker=worker_a, household_ids=[h.pk for h in households], channel="t"
    )
    assert len(created) == 4  # households[1] was already worker_a's
    assert set(Pairing.objects.active().values_list("worker_id", flat=True)) == {worker_a.pk}
    assert ContactSchedule.objects.filter(worker=worker_a).count() == 5


def test_bulk_assignment_is_all_or_nothing(team_leader, worker_a, household_a, household_b):
    with pytest.raises(ValidationError) as exc:
        pairings_bulk_assign(
            actor=team_leader,
            worker=worker_a,
            household_ids=[household_a.pk, household_b.pk],
            channel="t",
        )
    assert household_b.household_no in str(exc.value)
    assert not Pairing.objects.exists()


def test_bulk_assignment_runs_a_fixed_number_of_queries(
    team_leader, worker_a, areas, django_assert_max_num_queries
):
    households = [make_household(area=areas["village_a"]) for _ in range(30)]
    # checks are set-based (the schedule's consent check is one more); audit is per row
    with django_assert_max_num_queries(21 + 30):
        pairings_bulk_assign(
            actor=team_leader,
            worker=worker_a,
            household_ids=[h.pk for h in households],
            channel="t",
        )


def test_a_worker_holds_at_most_the_capacity(team_leader, worker_a, areas, settings):
    settings.DOORSTEP_PAIRING_CAPACITY = 2
    households = [make_household(area=areas["village_a"]) for _ in range(3)]
    _pair(team_leader, worker_a, households[0])
    with pytest.raises(ValidationError) as exc:
        pairings_bulk_assign(
            actor=team_leader,
            worker=worker_a,
            household_ids=[h.pk for h in households[1:]],
            channel="t",
        )
    assert "worker" in exc.value.message_dict


def test_only_workers_and_team_leaders_are_paired(team_leader, analyst, household_a):
    with pytest.raises(ValidationError):
        _pair(team_leader, analyst, household_a)


def test_a_pairing_cannot_start_in_the_future(team_leader, worker_a, household_a):
    with pytest.raises(ValidationError):
        _pair(team_leader, worker_a, household_a, started_on=TODAY() + dt.timedelta(days=1))
