"""Records of household A for the routes the base world of core/tests/conftest.py does
not reach: a welfare round and its check, a job seeker placed in an opening, a training
session with an enrolment, a cooperative with a member, a monitoring proposal, a
pairing plan, a correction request. Made through the services, as people would."""

from __future__ import annotations

import datetime as dt

CH = "test"


def seed_household_a(*, areas, household_a, head, worker_a, team_leader, supervisor) -> dict:
    from doorstep.casework.services.welfare import RoundCriteria, welfare_round_start
    from doorstep.livelihoods import services as livelihoods
    from doorstep.livelihoods.tests.factories import adult, employer, opening, seeker, session
    from doorstep.monitoring.tests.helpers import propose
    from doorstep.pairing import services as pairing
    from doorstep.privacy.services import correction_request_create

    today = dt.date.today()
    head.birth_date = dt.date(1980, 5, 1)
    head.save(update_fields=["birth_date"])
    started = welfare_round_start(
        actor=team_leader,
        area=areas["village_a"],
        name="寒潮入户",
        deadline=today + dt.timedelta(days=3),
        criteria=RoundCriteria(min_age=18, heads_only=True),
        channel=CH,
    )
    welfare_round = started.welfare_round
    check = welfare_round.checks.get(household=household_a)

    # A working-age member of household A looks for work and is placed.
    member = adult(household_a)
    job_seeker = seeker(worker_a, member, skills=("tailoring",))
    job = opening(team_leader, employer(team_leader, areas["village_a"]), skills=("tailoring",))
    proposal = livelihoods.proposal_create(
        actor=worker_a, opening=job, seeker=job_seeker, channel=CH
    )
    livelihoods.proposal_agree(actor=worker_a, proposal=proposal, channel=CH)
    placement = livelihoods.proposal_accept(
        actor=worker_a, proposal=proposal, started_on=today, channel=CH
    )
    course = session(team_leader, areas["township"])
    livelihoods.enrolment_create(
        actor=worker_a, session=course, resident=member, resident_agreed=True, channel=CH
    )
    cooperative = livelihoods.cooperative_create(
        actor=team_leader,
        name="红枣合作社",
        area=areas["village_a"],
        products="红枣",
        founded_on=today - dt.timedelta(days=400),
        channel=CH,
    )
    livelihoods.cooperative_add_member(
        actor=worker_a, cooperative=cooperative, resident=head, joined_on=today, channel=CH
    )
    monitoring_proposal = propose(household_a, worker_a)
    plan = pairing.plan_create(actor=team_leader, area=areas["township"], channel=CH, enqueue=False)
    correction = correction_request_create(resident=head, message="电话号码写错了", channel=CH)
    return {
        "round_id": welfare_round.pk,
        "check_id": check.pk,
        "seeker_id": job_seeker.pk,
        "placement_id": placement.pk,
        "opening_id": job.pk,
        "session_id": course.pk,
        "cooperative_id": cooperative.pk,
        "proposal_id": monitoring_proposal.pk,
        "plan_id": plan.pk,
        "request_id": correction.pk,
        "worker_id": worker_a.pk,
    }
