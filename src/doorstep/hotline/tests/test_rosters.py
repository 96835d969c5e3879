import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.hotline import services
from doorstep.hotline.models import DutyShift, Holiday, HolidayKind, ShiftRole, SwapStatus
from doorstep.hotline.tests.factories import at

DAY = dt.date(2030, 2, 16)
CH = "test"


def plan(actor, office, officer, start, end, **kw):
    return services.shift_plan(
        actor=actor, office=office, officer=officer, starts_at=start, ends_at=end, channel=CH, **kw
    )


def test_team_leader_plans_a_shift_and_nobody_holds_two_at_once(team_leader, office, worker_a):
    plan(team_leader, office, worker_a, at(DAY, 8), at(DAY, 16))
    with pytest.raises(ValidationError) as exc:
        plan(team_leader, office, worker_a, at(DAY, 15), at(DAY, 20))
    assert "officer" in exc.value.message_dict
    plan(team_leader, office, worker_a, at(DAY, 16), at(DAY, 20))  # back to back is fine
    assert DutyShift.objects.count() == 2


def test_shift_must_end_after_it_starts(team_leader, office, worker_a):
    with pytest.raises(ValidationError) as exc:
        plan(team_leader, office, worker_a, at(DAY, 8), at(DAY, 8))
    assert "ends_at" in exc.value.message_dict


def test_worker_cannot_plan_and_outsider_cannot_be_rostered(
    worker_a, worker_b, team_leader, office
):
    with pytest.raises(PermissionDenied):
        plan(worker_a, office, worker_a, at(DAY, 8), at(DAY, 16))
    with pytest.raises(ValidationError) as exc:
        plan(team_leader, office, worker_b, at(DAY, 8), at(DAY, 16))
    assert "officer" in exc.value.message_dict


def test_coverage_gaps_are_flagged_hour_by_hour_and_merged(team_leader, office, worker_a):
    plan(team_leader, office, worker_a, at(DAY, 0), at(DAY, 8))
    plan(team_leader, office, worker_a, at(DAY, 10), at(DAY, 23))
    gaps = services.coverage_gaps(office=office, start=at(DAY, 0), end=at(DAY + dt.timedelta(1), 0))
    assert [(g.starts_at.hour, g.ends_at.hour, g.on_duty) for g in gaps] == [(8, 10, 0), (23, 0, 0)]
    assert services.coverage_gaps(office=office, start=at(DAY, 0), end=at(DAY, 8)) == []
    assert (
        len(services.coverage_gaps(office=office, start=at(DAY, 0), end=at(DAY, 8), needed=2)) == 1
    )


def test_holiday_roster_covers_every_hour_of_spring_festival(
    team_leader, office, worker_a, officer_a2
):
    holiday = Holiday.objects.get(kind=HolidayKind.SPRING_FESTIVAL, starts_on__year=2027)
    shifts = services.holiday_roster_plan(
        actor=team_leader,
        office=office,
        holiday=holiday,
        officers=[worker_a, officer_a2],
        leaders=[team_leader],
        shift_hours=8,
        channel=CH,
    )
    days = (holiday.ends_on - holiday.starts_on).days + 1
    assert len([s for s in shifts if s.role == ShiftRole.OFFICER]) == days * 3
    assert len([s for s in shifts if s.role == ShiftRole.LEADER]) == days
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(holiday.starts_on, dt.time(0), tzinfo=tz)
    assert (
        services.coverage_gaps(office=office, start=start, end=start + dt.timedelta(days=days))
        == []
    )


def test_swap_needs_the_team_leaders_approval(team_leader, office, worker_a, officer_a2):
    shift = plan(team_leader, office, worker_a, at(DAY, 8), at(DAY, 16))
    with pytest.raises(PermissionDenied):
        services.swap_request(actor=officer_a2, shift=shift, replacement=officer_a2, channel=CH)
    swap = services.swap_request(actor=worker_a, shift=shift, replacement=officer_a2, channel=CH)
    shift.refresh_from_db()
    assert shift.officer == worker_a  # nothing changes before the approval
    with pytest.raises(PermissionDenied):
        services.swap_decide(actor=officer_a2, swap=swap, approve=True, channel=CH)
    swap = services.swap_decide(actor=team_leader, swap=swap, approve=True, channel=CH)
    assert swap.status == SwapStatus.APPROVED
    shift.refresh_from_db()
    assert shift.officer == officer_a2
    with pytest.raises(ValidationError):
        services.swap_decide(actor=team_leader, swap=swap, approve=False, channel=CH)


def test_swap_refused_when_the_colleague_is_already_on_duty(
    team_leader, office, worker_a, officer_a2
):
    shift = plan(team_leader, office, worker_a, at(DAY, 8), at(DAY, 16))
    plan(team_leader, office, officer_a2, at(DAY, 12), at(DAY, 20))
    with pytest.raises(ValidationError) as exc:
        services.swap_request(actor=worker_a, shift=shift, replacement=officer_a2, channel=CH)
    assert "replacement" in exc.value.message_dict


def test_on_duty_now(team_leader, office, worker_a):
    now = timezone.now()
    plan(team_leader, office, worker_a, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
    assert [s.officer for s in services.on_duty_now()] == [worker_a]
