"""When a household is next due: policy resolution, the vulnerable interval, welfare
rounds, and the schedule moving as contacts are logged."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.casework.models import ContactSchedule, ScheduleBasis, VisitPolicy, WelfareRound
from doorstep.casework.services import contact_log, pairing_create, visit_policy_set
from doorstep.casework.services.schedule import (
    DEFAULT_INTERVAL_DAYS,
    DEFAULT_VULNERABLE_INTERVAL_DAYS,
    IntervalResolver,
    schedule_refresh,
)
from doorstep.core.testing import make_household

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)


def _interval(household, on=TODAY):
    vulnerable = household.vulnerabilities.exists()
    return IntervalResolver([household.area], on=on).interval(household.area, vulnerable=vulnerable)


def test_without_any_policy_households_are_due_every_sixty_days(household_a):
    interval = _interval(household_a)
    assert (interval.days, interval.basis) == (DEFAULT_INTERVAL_DAYS, ScheduleBasis.POLICY)


def test_vulnerable_households_use_the_vulnerable_interval(areas):
    household = make_household(area=areas["village_a"], vulnerabilities=("elderly_alone",))
    interval = _interval(household)
    assert (interval.days, interval.basis) == (
        DEFAULT_VULNERABLE_INTERVAL_DAYS,
        ScheduleBasis.VULNERABLE,
    )


def test_the_deepest_areas_policy_wins(areas):
    VisitPolicy.objects.create(area=areas["county"], interval_days=90, vulnerable_interval_days=30)
    VisitPolicy.objects.create(
        area=areas["township"], interval_days=45, vulnerable_interval_days=10
    )
    in_grid = make_household(area=areas["grid_a1"])
    vulnerable = make_household(area=areas["village_b"], vulnerabilities=("disability",))
    elsewhere = make_household(area=areas["village_c"])
    assert _interval(in_grid).days == 45
    assert _interval(vulnerable).days == 10
    assert _interval(elsewhere).days == 90


def test_a_running_welfare_round_overrides_both_intervals(areas, household_a):
    VisitPolicy.objects.create(area=areas["county"], interval_days=60, vulnerable_interval_days=14)
    WelfareRound.objects.create(
        area=areas["township"],
        name="cold spell",
        interval_days=3,
        starts_on=TODAY - dt.timedelta(days=1),
        ends_on=TODAY + dt.timedelta(days=10),
    )
    interval = _interval(household_a)
    assert (interval.days, interval.basis) == (3, ScheduleBasis.WELFARE_ROUND)
    # Not before it starts, not after it ends.
    assert _interval(household_a, on=TODAY - dt.timedelta(days=5)).days == 60
    assert _interval(household_a, on=TODAY + dt.timedelta(days=11)).days == 60


def test_a_round_never_lengthens_an_interval(areas):
    vulnerable = make_household(area=areas["village_a"], vulnerabilities=("serious_illness",))
    WelfareRound.objects.create(
        area=areas["village_a"],
        name="long round",
        interval_days=30,
        starts_on=TODAY,
        ends_on=TODAY,
    )
    assert _interval(vulnerable).days == DEFAULT_VULNERABLE_INTERVAL_DAYS


def test_a_new_pairing_makes_the_household_due_one_interval_after_it_starts(
    team_leader, worker_a, household_a
):
    start = timezone.localdate() - dt.timedelta(days=10)
    pairing_create(
        actor=team_leader, worker=worker_a, household=household_a, started_on=start, channel="t"
    )
    schedule = ContactSchedule.objects.get(household=household_a)
    assert schedule.worker == worker_a
    assert schedule.next_due_on == start + dt.timedelta(days=DEFAULT_INTERVAL_DAYS)


def test_logging_a_contact_moves_the_next_due_date(worker_a, household_a):
    occurred = timezone.now() - dt.timedelta(days=3)
    contact_log(
        actor=worker_a, household=household_a, kind="visit", occurred_at=occurred, channel="t"
    )
    schedule = ContactSchedule.objects.get(household=household_a)
    assert schedule.last_contact_at == occurred
    assert schedule.next_due_on == timezone.localdate(occurred) + dt.timedelta(days=60)


def test_a_contact_logged_late_does_not_move_the_date_back(worker_a, household_a):
    recent = timezone.now() - dt.timedelta(days=1)
    contact_log(actor=worker_a, household=household_a, kind="call", occurred_at=recent, channel="t")
    contact_log(
        actor=worker_a,
        household=household_a,
        kind="visit",
        occurred_at=recent - dt.timedelta(days=20),
        channel="t",
    )
    assert ContactSchedule.objects.get(household=household_a).last_contact_at == recent


def test_refresh_picks_up_a_new_policy_for_every_household_of_the_area(
    supervisor, areas, worker_a, household_a, household_b, django_capture_on_commit_callbacks
):
    contact_log(actor=worker_a, household=household_a, kind="visit", channel="t")
    schedule_refresh(household_ids=[household_b.pk])
    with django_capture_on_commit_callbacks(execute=True):
        visit_policy_set(
            actor=supervisor,
            area=areas["township"],
            interval_days=30,
            vulnerable_interval_days=7,
            channel="t",
        )
    intervals = dict(ContactSchedule.objects.values_list("household_id", "interval_days"))
    assert intervals == {household_a.pk: 30, household_b.pk: 30}


def test_only_supervisors_set_policies_and_only_in_their_area(worker_a, supervisor, areas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        visit_policy_set(
            actor=worker_a,
            area=areas["village_a"],
            interval_days=30,
            vulnerable_interval_days=7,
            channel="t",
        )
    with pytest.raises(ValidationError):
        visit_policy_set(
            actor=supervisor,
            area=areas["region"],
            interval_days=30,
            vulnerable_interval_days=7,
            channel="t",
        )
    with pytest.raises(ValidationError):
        visit_policy_set(
            actor=supervisor,
            area=areas["township"],
            interval_days=30,
            vulnerable_interval_days=40,
            channel="t",
        )


def test_a_contact_in_the_future_is_refused(worker_a, household_a):
    with pytest.raises(ValidationError) as exc:
        contact_log(
            actor=worker_a,
            household=household_a,
            kind="visit",
            occurred_at=timezone.now() + dt.timedelta(days=1),
            channel="t",
        )
    assert "occurred_at" in exc.value.message_dict


def test_replaying_a_contact_creates_nothing_twice(worker_a, household_a):
    import uuid

    key = uuid.uuid4()
    first = contact_log(
        actor=worker_a, household=household_a, kind="visit", client_id=key, channel="t"
    )
    again = contact_log(
        actor=worker_a, household=household_a, kind="visit", client_id=key, channel="t"
    )
    assert first.pk == again.pk
    assert household_a.contacts.count() == 1
