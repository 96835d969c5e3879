"""Matching both ways, the propose → agree → accept flow, follow-ups, training."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from doorstep.casework.due_items import due_items_for
from doorstep.casework.services import pairing_create
from doorstep.core.testing import make_household
from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.matching import explain
from doorstep.livelihoods.models import (
    Enrolment,
    EnrolmentStatus,
    JobSeeker,
    LifeEvent,
    Placement,
    PlacementFollowUp,
    PlacementStatus,
    RelapseFlag,
    TrainingOutcome,
)
from doorstep.livelihoods.services.jobs import add_months
from doorstep.livelihoods.tests.factories import (
    CH,
    adult,
    employer,
    opening,
    seeker,
    session,
    skill,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def job(team_leader, areas):
    emp = employer(team_leader, areas["village_a"], latitude=41.17, longitude=80.26)
    return opening(team_leader, emp, skills=("tailoring", "embroidery"), languages="ug")


def test_seekers_are_ranked_by_score_of_skills_distance_and_language(
    supervisor, worker_a, areas, job
):
    near = make_household(area=areas["village_a"], latitude=41.171, longitude=80.261)
    far = make_household(area=areas["village_b"], latitude=41.20, longitude=80.30)
    both = seeker(
        worker_a, adult(near, name="both skills near"), skills=("tailoring", "embroidery")
    )
    one_near = seeker(worker_a, adult(near, name="one skill near"), skills=("tailoring",))
    one_far = seeker(supervisor, adult(far, name="one skill far"), skills=("tailoring",))
    no_ug = seeker(worker_a, adult(near, name="no uyghur"), skills=("tailoring",), languages="zh")
    matches = selectors.matches_for_opening(supervisor, job)
    assert [m.seeker_id for m in matches] == [both.pk, one_near.pk, one_far.pk, no_ug.pk]
    top = matches[0]
    assert top.score == 50 + 25 + 15 + 10
    assert explain(top.reasons)[0] == "Skills 50/50: has 2 of the 2 skills required."
    assert matches[1].reasons[0]["points"] == 25
    assert "km away; travels up to 30 km" in explain(matches[2].reasons)[1]
    assert explain(matches[3].reasons)[2] == "Language 0/15: speaks none of ug."


def test_a_worker_matches_only_the_seekers_of_their_own_area(worker_a, supervisor, areas, job):
    seeker(supervisor, adult(make_household(area=areas["village_b"])), skills=("tailoring",))
    mine = seeker(worker_a, adult(make_household(area=areas["village_a"])), skills=("tailoring",))
    assert [m.seeker_id for m in selectors.matches_for_opening(worker_a, job)] == [mine.pk]
    assert len(selectors.matches_for_opening(supervisor, job)) == 2


def test_seekers_outside_working_age_are_not_matched(worker_a, areas, job):
    home = make_household(area=areas["village_a"])
    s = seeker(worker_a, adult(home, born=TODAY.replace(year=TODAY.year - 30)))
    JobSeeker.objects.filter(pk=s.pk).update(birth_date=TODAY.replace(year=TODAY.year - 70))
    assert selectors.matches_for_opening(worker_a, job) == []


def test_a_profile_for_a_resident_under_working_age_is_refused(worker_a, household_a):
    child = adult(household_a, born=TODAY.replace(year=TODAY.year - 14))
    with pytest.raises(ValidationError) as exc:
        seeker(worker_a, child)
    assert exc.value.message_dict["resident"] == [
        "The resident is 14, under the working age of 16."
    ]
    assert not JobSeeker.objects.exists()


def test_openings_are_ranked_for_a_resident(team_leader, worker_a, areas, household_a):
    emp = employer(team_leader, areas["village_a"], latitude=41.17, longitude=80.26)
    tailor = opening(team_leader, emp, title="缝纫工", skills=("tailoring",))
    driver = opening(team_leader, emp, title="司机", skills=("driving",))
    full = opening(team_leader, emp, title="满员", skills=("tailoring",), posts=1)
    s = seeker(worker_a, adult(household_a), skills=("tailoring",))
    other = seeker(worker_a, adult(household_a, name="x"), skills=("tailoring",))
    p = services.proposal_create(actor=worker_a, opening=full, seeker=other, channel=CH)
    services.proposal_agree(actor=worker_a, proposal=p, channel=CH)
    services.proposal_accept(actor=worker_a, proposal=p, started_on=TODAY, channel=CH)
    titles = [m.title for m in selectors.matches_for_seeker(worker_a, s)]
    assert titles == ["缝纫工", "司机"]  # the full one is left out
    assert tailor and driver


def test_propose_agree_accept_places_and_schedules_follow_ups(
    worker_a, team_leader, household_a, job
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    s = seeker(team_leader, adult(household_a), skills=("tailoring",))
    p = services.proposal_create(actor=team_leader, opening=job, seeker=s, channel=CH)
    assert p.score > 0 and p.reasons[0]["factor"] == "skills"
    with pytest.raises(ValidationError):  # the employer answers after the resident
        services.proposal_accept(actor=team_leader, proposal=p, started_on=TODAY, channel=CH)
    services.proposal_agree(actor=team_leader, proposal=p, channel=CH)
    start = TODAY - dt.timedelta(days=40)
    placement = services.proposal_accept(
        actor=team_leader, proposal=p, started_on=start, wage_monthly=3800, channel=CH
    )
    assert placement.worker == worker_a  # the paired worker follows it up
    due = list(placement.follow_ups.values_list("month", "due_on"))
    assert due == [(1, add_months(start, 1)), (3, add_months(start, 3)), (6, add_months(start, 6))]
    s.refresh_from_db()
    assert s.is_looking is False


def test_month_arithmetic_keeps_the_end_of_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 3, 15), 3) == dt.date(2026, 6, 15)


def _placed(worker_a, team_leader, household_a, job, start):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    s = seeker(worker_a, adult(household_a), skills=("tailoring",))
    p = services.proposal_create(actor=worker_a, opening=job, seeker=s, channel=CH)
    services.proposal_agree(actor=worker_a, proposal=p, channel=CH)
    return services.proposal_accept(actor=worker_a, proposal=p, started_on=start, channel=CH)


def test_the_one_month_follow_up_appears_on_the_due_list_a_week_ahead(
    worker_a, worker_b, team_leader, household_a, job
):
    placement = _placed(worker_a, team_leader, household_a, job, TODAY - dt.timedelta(days=26))
    items = [i for i in due_items_for(worker_a, TODAY) if i.kind == "placement_follow_up"]
    assert len(items) == 1
    assert items[0].due_on == add_months(placement.started_on, 1)
    assert items[0].url == f"/livelihoods/placements/{placement.pk}/"
    assert due_items_for(worker_b, TODAY) == []
    # Not yet: three weeks before it is due.
    assert not due_items_for(worker_a, placement.started_on)


def test_a_follow_up_answered_no_ends_the_placement_and_flags_a_lost_job(
    worker_a, team_leader, household_a, job
):
    placement = _placed(worker_a, team_leader, household_a, job, TODAY - dt.timedelta(days=35))
    first = placement.follow_ups.get(month=1)
    services.follow_up_record(
        actor=worker_a, follow_up=first, still_employed=False, notes="工厂停产", channel=CH
    )
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED and placement.ended_on == TODAY
    assert not PlacementFollowUp.objects.filter(placement=placement, done_on__isnull=True).exists()
    assert LifeEvent.objects.get(household=household_a).kind == "job_lost"
    flag = RelapseFlag.objects.get(household=household_a)
    assert flag.rule.kind == "job_lost" and flag.need_id is not None


def test_follow_up_bad_input_is_refused(worker_a, team_leader, household_a, job):
    placement = _placed(worker_a, team_leader, household_a, job, TODAY - dt.timedelta(days=35))
    first = placement.follow_ups.get(month=1)
    with pytest.raises(ValidationError) as exc:
        services.follow_up_record(
            actor=worker_a, follow_up=first, still_employed=True, wage_monthly=-1, channel=CH
        )
    assert "wage_monthly" in exc.value.message_dict
    first.refresh_from_db()
    assert first.done_on is None


def test_placing_a_resident_under_working_age_is_refused(worker_a, household_a, job):
    s = seeker(worker_a, adult(household_a, born=TODAY.replace(year=TODAY.year - 17)))
    JobSeeker.objects.filter(pk=s.pk).update(birth_date=TODAY.replace(year=TODAY.year - 15))
    s.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(actor=worker_a, opening=job, seeker=s, channel=CH)
    assert "under the working age" in exc.value.message_dict["seeker"][0]
    assert not Placement.objects.exists()


def test_opening_dates_out_of_order_and_absurd_wages_are_refused(team_leader, areas):
    emp = employer(team_leader, areas["village_a"])
    for extra, field in [
        ({"ends_on": TODAY - dt.timedelta(days=1)}, "ends_on"),
        ({"wage_monthly": -100}, "wage_monthly"),
        ({"wage_monthly": 10**9}, "wage_monthly"),
        ({"posts": 0}, "posts"),
        ({"languages": "xx"}, "languages"),
    ]:
        with pytest.raises(ValidationError) as exc:
            opening(team_leader, emp, **extra)
        assert field in exc.value.message_dict


# --- training ---------------------------------------------------------------------------


def test_enrolment_completion_adds_the_skill_and_placement_counts_the_outcome(
    worker_a, team_leader, household_a, areas
):
    sess = session(team_leader, areas["township"], code="electrical")
    resident = adult(household_a)
    s = seeker(worker_a, resident)
    enrolment = services.enrolment_create(
        actor=worker_a, session=sess, resident=resident, resident_agreed=True, channel=CH
    )
    services.attendance_record(
        actor=worker_a,
        session=sess,
        day=TODAY - dt.timedelta(days=1),
        present={enrolment.pk},
        channel=CH,
    )
    services.enrolment_complete(
        actor=worker_a, enrolment=enrolment, completed_on=TODAY, certificate_no="DG-001", channel=CH
    )
    assert skill("electrical").pk in set(s.skill_rows.values_list("skill_id", flat=True))
    emp = employer(team_leader, areas["village_a"])
    job = opening(team_leader, emp, skills=("electrical",))
    p = services.proposal_create(actor=worker_a, opening=job, seeker=s, channel=CH)
    services.proposal_agree(actor=worker_a, proposal=p, channel=CH)
    services.proposal_accept(actor=worker_a, proposal=p, started_on=TODAY, channel=CH)
    enrolment.refresh_from_db()
    assert enrolment.outcome == TrainingOutcome.EMPLOYED
    rates = selectors.course_rates([sess.course_id])[sess.course_id]
    assert (rates["completed"], rates["employed_rate"]) == (1, 100)


def test_a_full_session_refuses_the_next_enrolment(worker_a, team_leader, household_a, areas):
    sess = session(team_leader, areas["township"], capacity=1)
    services.enrolment_create(
        actor=worker_a, session=sess, resident=adult(household_a), resident_agreed=True, channel=CH
    )
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(
            actor=worker_a,
            session=sess,
            resident=adult(household_a, name="二"),
            resident_agreed=True,
            channel=CH,
        )
    assert exc.value.message_dict["session"] == ["This session is full: all 1 places are taken."]
    assert Enrolment.objects.count() == 1


def test_session_dates_out_of_order_are_refused(team_leader, areas):
    from doorstep.livelihoods.models import Course

    course = Course.objects.create(skill=skill("cooking"), title="厨师")
    with pytest.raises(ValidationError) as exc:
        services.session_create(
            actor=team_leader,
            course=course,
            trainer="王",
            area=areas["township"],
            starts_on=TODAY,
            ends_on=TODAY - dt.timedelta(days=1),
            capacity=5,
            channel=CH,
        )
    assert "ends_on" in exc.value.message_dict


# Skipped at collection, not in the body: on SQLite the serialized rollback's set-up
# would run for nothing and, after another transactional test, collide with the
# content types that test's flush recreated.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are what this checks; SQLite serialises writers",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_enrolments_for_the_last_place_at_once_give_one(
    worker_a, team_leader, household_a, areas
):
    sess = session(team_leader, areas["township"], capacity=1)
    people = [adult(household_a, name=f"p{i}") for i in range(2)]
    errors = []

    def enrol(resident):
        try:
            services.enrolment_create(
                actor=worker_a, session=sess, resident=resident, resident_agreed=True, channel=CH
            )
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).count() == 1
    assert len(errors) == 1


def test_enrolment_without_the_residents_agreement_is_refused(
    worker_a, team_leader, household_a, areas
):
    """Issue 18, defect 8: training is voluntary, never an outcome imposed on a person."""
    sess = session(team_leader, areas["township"])
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(
            actor=worker_a, session=sess, resident=adult(household_a), channel=CH
        )
    assert "resident_agreed" in exc.value.message_dict
    assert not Enrolment.objects.exists()
    enrolment = services.enrolment_create(
        actor=worker_a, session=sess, resident=adult(household_a), resident_agreed=True, channel=CH
    )
    assert enrolment.agreed_on == TODAY


def test_skills_beyond_the_bitmask_match_like_the_others(supervisor, worker_a, areas, job):
    # A catalogue past 62 skills (or ids grown by deletions) is counted by a join, not
    # the seeker's bitmask; the browser test once found no candidate at all that way.
    from doorstep.livelihoods.models import MASK_BITS, Skill
    from doorstep.livelihoods.tests.factories import opening as make_opening

    wide = Skill.objects.create(pk=MASK_BITS + 40, code="welding", name="焊工")
    near = make_household(area=areas["village_a"], latitude=41.171, longitude=80.261)
    welder = seeker(worker_a, adult(near, name="welder"), skills=("welding",))
    other = seeker(worker_a, adult(near, name="tailor"), skills=("tailoring",))
    job_wide = make_opening(supervisor, job.employer, title="焊工", skills=("welding",))
    assert list(job_wide.skills.all()) == [wide]
    matches = selectors.matches_for_opening(supervisor, job_wide)
    assert [m.seeker_id for m in matches][:2] == [welder.pk, other.pk]
    assert matches[0].reasons[0]["points"] == 50 and matches[1].reasons[0]["points"] == 0
