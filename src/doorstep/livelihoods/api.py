"""/api/v1/livelihoods: employers and openings, matching, proposals and placements,
training, businesses and cooperatives, household income, relapse watch, outcomes.

Every handler fetches through livelihoods.selectors (404 outside the caller's scope,
audited), calls a service, and serializes. Writes run inside core.idempotency (an
Idempotency-Key replays the first answer). A role that may see a record but not do
the write gets 403; bad input gets 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import Path, Query, Router

from doorstep.areas.selectors import area_for
from doorstep.core.idempotency import idempotent_response
from doorstep.core.schemas import error_responses
from doorstep.livelihoods import api_schemas as s
from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.api_common import (
    CHANNEL,
    IdempotencyKey,
    PathId,
    _dump,
    _income_body,
    _page,
    _reader,
    _reasons,
    _skills,
)
from doorstep.livelihoods.api_loops import router as loops_router
from doorstep.livelihoods.services.relapse import flag_explanation
from doorstep.registry.selectors import household_for, resident_for

router = Router()


# --- skills ---------------------------------------------------------------------------------


@router.get("/skills", response={200: s.SkillListOut, **error_responses()}, summary="Skills")
def skills_list(request):
    return {
        "items": [
            {"id": sk.pk, "code": sk.code, "label": str(sk.label)} for sk in selectors.skills()
        ]
    }


@router.post("/skills", response={201: s.SkillOut, **error_responses(403)}, summary="Add a skill")
def skills_create(request, payload: s.SkillIn, idempotency_key: IdempotencyKey = None):
    def run():
        sk = services.skill_create(
            actor=request.auth, code=payload.code, name=payload.name, channel=CHANNEL
        )
        return 201, {"id": sk.pk, "code": sk.code, "label": str(sk.label)}

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- employers and openings ----------------------------------------------------------------


@router.get(
    "/employers", response={200: s.EmployerPageOut, **error_responses()}, summary="Employers"
)
def employers_list(request, query: Query[s.PageQuery]):
    return _page(selectors.employers_visible_to(request.auth), query)


@router.post(
    "/employers",
    response={201: s.EmployerOut, **error_responses(403, 404)},
    summary="Add an employer",
)
def employers_create(request, payload: s.EmployerIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    area = area_for(request.auth, payload.area)

    def run():
        data = payload.model_dump(exclude={"area"})
        employer = services.employer_create(actor=request.auth, area=area, channel=CHANNEL, **data)
        return 201, _dump(s.EmployerOut, employer)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get("/openings", response={200: s.OpeningPageOut, **error_responses()}, summary="Openings")
def openings_list(request, query: Query[s.PageQuery]):
    return _page(selectors.openings_visible_to(request.auth).prefetch_related("skills"), query)


@router.post(
    "/openings", response={201: s.OpeningOut, **error_responses(403, 404)}, summary="Add an opening"
)
def openings_create(request, payload: s.OpeningIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    user = request.auth
    employer = selectors.employer_for(user, payload.employer)
    area = area_for(user, payload.area)

    def run():
        data = payload.model_dump(exclude={"employer", "area", "skills", "languages"})
        opening = services.opening_create(
            actor=user,
            employer=employer,
            area=area,
            skills=_skills(payload.skills),
            languages=payload.languages,
            channel=CHANNEL,
            **data,
        )
        return 201, _dump(s.OpeningOut, opening)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/openings/{opening_id}",
    response={200: s.OpeningOut, **error_responses(404)},
    summary="An opening",
)
def openings_get(request, opening_id: PathId):
    return selectors.opening_for(request.auth, opening_id)


@router.post(
    "/openings/{opening_id}/close",
    response={200: s.OpeningOut, **error_responses(403, 404)},
    summary="Close an opening",
)
def openings_close(
    request,
    opening_id: PathId,
    payload: s.LivelihoodsEmptyIn,
    idempotency_key: IdempotencyKey = None,
):
    opening = selectors.opening_for(request.auth, opening_id)

    def run():
        services.opening_close(actor=request.auth, opening=opening, channel=CHANNEL)
        return 200, _dump(s.OpeningOut, opening)

    return idempotent_response(request, idempotency_key, {}, run)


@router.get(
    "/openings/{opening_id}/matches",
    response={200: s.SeekerMatchListOut, **error_responses(404)},
    summary="Job seekers ranked for an opening",
)
def openings_matches(request, opening_id: PathId, query: Query[s.MatchQuery]):
    user = request.auth
    opening = selectors.opening_for(user, opening_id)
    area = area_for(user, query.area) if query.area else None
    area = selectors.match_area(user, opening, area)
    matches = selectors.matches_for_opening(
        user, opening, area=area, limit=query.limit, channel=CHANNEL
    )
    return {
        "area": area.pk,
        "items": [
            {
                "seeker": m.seeker_id,
                "resident": m.resident_id,
                "name": m.name,
                "household": m.household_id,
                "household_no": m.household_no,
                "score": m.score,
                "distance_km": m.distance_km,
                "reasons": _reasons(m.reasons),
            }
            for m in matches
        ],
    }


# --- seekers, proposals, placements ------------------------------------------------------------


@router.get("/seekers", response={200: s.SeekerPageOut, **error_responses()}, summary="Job seekers")
def seekers_list(request, query: Query[s.PageQuery]):
    return _page(selectors.seekers_visible_to(request.auth), query)


@router.put(
    "/residents/{resident_id}/seeker",
    response={200: s.SeekerOut, **error_responses(403, 404)},
    summary="Create or update a resident's job-seeker profile",
)
def seekers_put(
    request, resident_id: PathId, payload: s.SeekerIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    resident = resident_for(request.auth, resident_id, channel=CHANNEL)

    def run():
        seeker = services.seeker_save(
            actor=request.auth,
            resident=resident,
            skills=_skills(payload.skills),
            languages=payload.languages,
            work_types=[w.value for w in payload.work_types],
            min_wage=payload.min_wage,
            max_distance_km=payload.max_distance_km,
            is_looking=payload.is_looking,
            notes=payload.notes,
            channel=CHANNEL,
        )
        return 200, _dump(s.SeekerOut, seeker)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/seekers/{seeker_id}",
    response={200: s.SeekerOut, **error_responses(404)},
    summary="A job seeker",
)
def seekers_get(request, seeker_id: PathId):
    return selectors.seeker_for(request.auth, seeker_id, channel=CHANNEL)


@router.get(
    "/seekers/{seeker_id}/matches",
    response={200: s.OpeningMatchListOut, **error_responses(404)},
    summary="Openings ranked for a job seeker",
)
def seekers_matches(request, seeker_id: PathId, query: Query[s.MatchQuery]):
    seeker = selectors.seeker_for(request.auth, seeker_id, channel=CHANNEL)
    matches = selectors.matches_for_seeker(request.auth, seeker, limit=query.limit)
    return {
        "items": [
            {
                "opening": m.opening_id,
                "title": m.title,
                "employer": m.employer,
                "score": m.score,
                "distance_km": m.distance_km,
                "posts_left": m.extra.get("posts_left", 0),
                "reasons": _reasons(m.reasons),
            }
            for m in matches
        ]
    }


@router.get(
    "/proposals", response={200: s.ProposalPageOut, **error_responses()}, summary="Proposals"
)
def proposals_list(request, query: Query[s.PageQuery]):
    return _page(selectors.proposals_visible_to(request.auth), query)


@router.post(
    "/proposals",
    response={201: s.ProposalOut, **error_responses(403, 404)},
    summary="Propose an opening to a resident",
)
def proposals_create(request, payload: s.ProposalIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    user = request.auth
    opening = selectors.opening_for(user, payload.opening)
    seeker = selectors.seeker_for(user, payload.seeker, channel=CHANNEL)

    def run():
        proposal = services.proposal_create(
            actor=user, opening=opening, seeker=seeker, note=payload.note, channel=CHANNEL
        )
        return 201, _dump(s.ProposalOut, proposal)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/proposals/{proposal_id}/agree",
    response={200: s.ProposalOut, **error_responses(403, 404)},
    summary="The resident agreed",
)
def proposals_agree(
    request,
    proposal_id: PathId,
    payload: s.LivelihoodsEmptyIn,
    idempotency_key: IdempotencyKey = None,
):
    proposal = selectors.proposal_for(request.auth, proposal_id, channel=CHANNEL)

    def run():
        p = services.proposal_agree(actor=request.auth, proposal=proposal, channel=CHANNEL)
        return 200, _dump(s.ProposalOut, p)

    return idempotent_response(request, idempotency_key, {}, run)


@router.post(
    "/proposals/{proposal_id}/decline",
    response={200: s.ProposalOut, **error_responses(403, 404)},
    summary="The resident or the employer declined",
)
def proposals_decline(
    request, proposal_id: PathId, payload: s.DeclineIn, idempotency_key: IdempotencyKey = None
):
    proposal = selectors.proposal_for(request.auth, proposal_id, channel=CHANNEL)

    def run():
        p = services.proposal_decline(
            actor=request.auth,
            proposal=proposal,
            by_employer=payload.by == "employer",
            note=payload.note,
            channel=CHANNEL,
        )
        return 200, _dump(s.ProposalOut, p)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/proposals/{proposal_id}/accept",
    response={201: s.PlacementOut, **error_responses(403, 404)},
    summary="The employer accepted: the resident is placed",
)
def proposals_accept(
    request, proposal_id: PathId, payload: s.AcceptIn, idempotency_key: IdempotencyKey = None
):
    proposal = selectors.proposal_for(request.auth, proposal_id, channel=CHANNEL)

    def run():
        placement = services.proposal_accept(
            actor=request.auth,
            proposal=proposal,
            started_on=payload.started_on,
            wage_monthly=payload.wage_monthly,
            channel=CHANNEL,
        )
        return 201, _dump(s.PlacementOut, placement)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/placements", response={200: s.PlacementPageOut, **error_responses()}, summary="Placements"
)
def placements_list(request, query: Query[s.PageQuery]):
    return _page(
        selectors.placements_visible_to(request.auth).prefetch_related("follow_ups"), query
    )


@router.get(
    "/placements/{placement_id}",
    response={200: s.PlacementOut, **error_responses(404)},
    summary="A placement",
)
def placements_get(request, placement_id: PathId):
    return selectors.placement_for(request.auth, placement_id, channel=CHANNEL)


@router.post(
    "/follow-ups/{follow_up_id}",
    response={200: s.FollowUpOut, **error_responses(403, 404)},
    summary="Record a placement follow-up",
)
def follow_ups_record(
    request, follow_up_id: PathId, payload: s.FollowUpIn, idempotency_key: IdempotencyKey = None
):
    follow_up = selectors.follow_up_for(request.auth, follow_up_id, channel=CHANNEL)

    def run():
        done = services.follow_up_record(
            actor=request.auth,
            follow_up=follow_up,
            still_employed=payload.still_employed,
            wage_monthly=payload.wage_monthly,
            done_on=payload.done_on,
            notes=payload.notes,
            channel=CHANNEL,
        )
        return 200, _dump(s.FollowUpOut, done)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- training --------------------------------------------------------------------------------


@router.get(
    "/courses",
    response={200: s.CourseListOut, **error_responses()},
    summary="Courses with outcome rates",
)
def courses_list(request):
    courses = list(selectors.courses_visible_to(request.auth).order_by("title"))
    rates = selectors.course_rates([c.pk for c in courses])
    items = []
    for c in courses:
        r = rates.get(c.pk, {})
        items.append(
            {
                "id": c.pk,
                "skill_id": c.skill_id,
                "title": c.title,
                "provider": c.provider,
                "hours": c.hours,
                "completed": r.get("completed", 0),
                "employed_rate": r.get("employed_rate", 0),
                "business_rate": r.get("business_rate", 0),
                "neither_rate": r.get("neither_rate", 0),
            }
        )
    return {"items": items}


@router.post(
    "/courses", response={201: s.CourseOut, **error_responses(403, 404)}, summary="Add a course"
)
def courses_create(request, payload: s.CourseIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    skill = _skills([payload.skill])[0]

    def run():
        course = services.course_create(
            actor=request.auth,
            skill=skill,
            title=payload.title,
            provider=payload.provider,
            hours=payload.hours,
            description=payload.description,
            channel=CHANNEL,
        )
        return 201, _dump(s.CourseOut, course)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/sessions",
    response={201: s.SessionOut, **error_responses(403, 404)},
    summary="Add a course session",
)
def sessions_create(request, payload: s.SessionIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    user = request.auth
    course = selectors.course_for(user, payload.course)
    area = area_for(user, payload.area)

    def run():
        session = services.session_create(
            actor=user,
            course=course,
            trainer=payload.trainer,
            area=area,
            venue=payload.venue,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            capacity=payload.capacity,
            channel=CHANNEL,
        )
        return 201, _dump(s.SessionOut, session)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/sessions/{session_id}",
    response={200: s.SessionDetailOut, **error_responses(404)},
    summary="A session and its trainees",
)
def sessions_get(request, session_id: PathId):
    user = request.auth
    session = selectors.session_for(user, session_id)
    body = _dump(s.SessionOut, session)
    body["enrolments"] = [
        _dump(s.EnrolmentOut, e)
        for e in selectors.enrolments_visible_to(user).filter(session=session).order_by("pk")
    ]
    return body


@router.post(
    "/sessions/{session_id}/enrolments",
    response={201: s.EnrolmentOut, **error_responses(403, 404)},
    summary="Enrol a resident",
)
def sessions_enrol(
    request, session_id: PathId, payload: s.EnrolmentIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    user = request.auth
    session = selectors.session_for(user, session_id)
    resident = resident_for(user, payload.resident, channel=CHANNEL)

    def run():
        enrolment = services.enrolment_create(
            actor=user,
            session=session,
            resident=resident,
            resident_agreed=payload.resident_agreed,
            channel=CHANNEL,
        )
        return 201, _dump(s.EnrolmentOut, enrolment)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/sessions/{session_id}/attendance",
    response={200: s.AttendanceOut, **error_responses(403, 404)},
    summary="One day's register",
)
def sessions_attendance(
    request, session_id: PathId, payload: s.AttendanceIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    session = selectors.session_for(request.auth, session_id)

    def run():
        n = services.attendance_record(
            actor=request.auth,
            session=session,
            day=payload.day,
            present=set(payload.present),
            channel=CHANNEL,
        )
        return 200, {"recorded": n}

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/enrolments/{enrolment_id}/complete",
    response={200: s.EnrolmentOut, **error_responses(403, 404)},
    summary="The trainee completed the course",
)
def enrolments_complete(
    request, enrolment_id: PathId, payload: s.CompleteIn, idempotency_key: IdempotencyKey = None
):
    enrolment = selectors.enrolment_for(request.auth, enrolment_id, channel=CHANNEL)

    def run():
        done = services.enrolment_complete(
            actor=request.auth,
            enrolment=enrolment,
            completed_on=payload.completed_on,
            certificate_no=payload.certificate_no,
            channel=CHANNEL,
        )
        return 200, _dump(s.EnrolmentOut, done)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/enrolments/{enrolment_id}/outcome",
    response={200: s.EnrolmentOut, **error_responses(403, 404)},
    summary="What the trainee did within six months",
)
def enrolments_outcome(
    request, enrolment_id: PathId, payload: s.OutcomeIn, idempotency_key: IdempotencyKey = None
):
    enrolment = selectors.enrolment_for(request.auth, enrolment_id, channel=CHANNEL)

    def run():
        done = services.enrolment_outcome(
            actor=request.auth,
            enrolment=enrolment,
            outcome=payload.outcome.value,
            recorded_on=payload.recorded_on,
            channel=CHANNEL,
        )
        return 200, _dump(s.EnrolmentOut, done)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- businesses and cooperatives ---------------------------------------------------------------


@router.get(
    "/businesses", response={200: s.BusinessPageOut, **error_responses()}, summary="Businesses"
)
def businesses_list(request, query: Query[s.PageQuery]):
    return _page(selectors.businesses_visible_to(request.auth).prefetch_related("loans"), query)


@router.post(
    "/businesses",
    response={201: s.BusinessOut, **error_responses(403, 404)},
    summary="Add a resident's business",
)
def businesses_create(request, payload: s.BusinessIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    owner = resident_for(request.auth, payload.owner, channel=CHANNEL)
    skill = _skills([payload.skill])[0] if payload.skill else None

    def run():
        data = payload.model_dump(exclude={"owner", "skill"})
        business = services.business_create(
            actor=request.auth, owner=owner, skill=skill, channel=CHANNEL, **data
        )
        return 201, _dump(s.BusinessOut, business)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/businesses/{business_id}/loans",
    response={201: s.LoanOut, **error_responses(403, 404)},
    summary="Add a micro-loan",
)
def businesses_loan(
    request, business_id: PathId, payload: s.LoanIn, idempotency_key: IdempotencyKey = None
):
    business = selectors.business_for(request.auth, business_id, channel=CHANNEL)

    def run():
        loan = services.loan_create(
            actor=request.auth,
            business=business,
            amount=payload.amount,
            bank=payload.bank,
            term_months=payload.term_months,
            disbursed_on=payload.disbursed_on,
            repayment=payload.repayment.value,
            channel=CHANNEL,
        )
        return 201, _dump(s.LoanOut, loan)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/loans/{loan_id}/repayment",
    response={200: s.LoanOut, **error_responses(403, 404)},
    summary="Set a loan's repayment status",
)
def loans_repayment(
    request, loan_id: PathId, payload: s.RepaymentIn, idempotency_key: IdempotencyKey = None
):
    loan = selectors.loan_for(request.auth, loan_id, channel=CHANNEL)

    def run():
        done = services.loan_set_repayment(
            actor=request.auth, loan=loan, repayment=payload.repayment.value, channel=CHANNEL
        )
        return 200, _dump(s.LoanOut, done)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/cooperatives",
    response={200: s.CooperativePageOut, **error_responses()},
    summary="Cooperatives",
)
def cooperatives_list(request, query: Query[s.PageQuery]):
    return _page(selectors.cooperatives_visible_to(request.auth), query)


@router.post(
    "/cooperatives",
    response={201: s.CooperativeOut, **error_responses(403, 404)},
    summary="Add a cooperative",
)
def cooperatives_create(request, payload: s.CooperativeIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    area = area_for(request.auth, payload.area)

    def run():
        coop = services.cooperative_create(
            actor=request.auth,
            name=payload.name,
            area=area,
            products=payload.products,
            founded_on=payload.founded_on,
            certifications=[c.value for c in payload.certifications],
            sales_channels=[c.value for c in payload.sales_channels],
            channel=CHANNEL,
        )
        return 201, _dump(s.CooperativeOut, coop)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/cooperatives/{cooperative_id}/members",
    response={201: s.MemberOut, **error_responses(403, 404)},
    summary="Add a member",
)
def cooperatives_member(
    request, cooperative_id: PathId, payload: s.MemberIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    coop = selectors.cooperative_for(request.auth, cooperative_id)
    resident = resident_for(request.auth, payload.resident, channel=CHANNEL)

    def run():
        member = services.cooperative_add_member(
            actor=request.auth,
            cooperative=coop,
            resident=resident,
            joined_on=payload.joined_on,
            channel=CHANNEL,
        )
        return 201, _dump(s.MemberOut, member)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- income, events, relapse watch -------------------------------------------------------------


@router.get(
    "/households/{household_id}/income",
    response={200: s.IncomeOut, **error_responses(404)},
    summary="A household's income by year",
)
def income_get(request, household_id: PathId):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)
    return _income_body(household.pk)


@router.put(
    "/households/{household_id}/income",
    response={200: s.IncomeOut, **error_responses(403, 404)},
    summary="Set one source's income for a year (runs the relapse watch at once)",
)
def income_put(
    request, household_id: PathId, payload: s.IncomeIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)

    def run():
        services.income_record_set(
            actor=request.auth,
            household=household,
            year=payload.year,
            source=payload.source.value,
            amount=payload.amount,
            channel=CHANNEL,
        )
        return 200, _income_body(household.pk)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.put(
    "/households/{household_id}/years/{year}",
    response={200: s.IncomeOut, **error_responses(403, 404)},
    summary="Members and medical spending for a year",
)
def year_put(
    request,
    household_id: PathId,
    year: Annotated[int, Path(ge=1900, le=2200)],
    payload: s.YearIn,
    idempotency_key: IdempotencyKey = None,
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)

    def run():
        services.household_year_set(
            actor=request.auth,
            household=household,
            year=year,
            members=payload.members,
            medical_spending=payload.medical_spending,
            channel=CHANNEL,
        )
        return 200, _income_body(household.pk)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/households/{household_id}/events",
    response={201: s.LifeEventOut, **error_responses(403, 404)},
    summary="Record a life event (runs the relapse watch at once)",
)
def events_create(
    request, household_id: PathId, payload: s.EventIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)

    def run():
        event = services.life_event_record(
            actor=request.auth,
            household=household,
            kind=payload.kind.value,
            occurred_on=payload.occurred_on,
            note=payload.note,
            channel=CHANNEL,
        )
        return 201, _dump(s.LifeEventOut, event)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


def _flag_body(flag) -> dict:
    return {
        "id": flag.pk,
        "household_id": flag.household_id,
        "rule": flag.rule.kind,
        "status": flag.status,
        "year": flag.year,
        "value": flag.value,
        "reference": flag.reference,
        "rule_limit": flag.rule_limit,
        "event_id": flag.event_id,
        "explanation": flag_explanation(flag),
        "need_id": flag.need_id,
        "raised_at": flag.raised_at,
        "cleared_at": flag.cleared_at,
        "clear_reason": flag.clear_reason,
    }


@router.get(
    "/flags", response={200: s.FlagPageOut, **error_responses()}, summary="Relapse-watch flags"
)
def flags_list(request, query: Query[s.FlagQuery]):
    qs = selectors.flags_visible_to(request.auth).select_related("rule", "event")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.household:
        qs = qs.filter(household_id=query.household)
    page = _page(qs, query)
    page["items"] = [_flag_body(f) for f in page["items"]]
    return page


@router.post(
    "/flags/{flag_id}/clear",
    response={200: s.FlagOut, **error_responses(403, 404)},
    summary="Clear a flag: the family was helped",
)
def flags_clear(
    request, flag_id: PathId, payload: s.FlagClearIn, idempotency_key: IdempotencyKey = None
):
    flag = selectors.flag_for(request.auth, flag_id, channel=CHANNEL)

    def run():
        done = services.flag_clear(
            actor=request.auth, flag=flag, note=payload.note, channel=CHANNEL
        )
        return 200, s.FlagOut(**_flag_body(done)).model_dump(mode="json")

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


def _rule_body(rule) -> dict:
    return {
        "id": rule.pk,
        "kind": rule.kind,
        "name": str(rule.get_kind_display()),
        "is_active": rule.is_active,
        "threshold": rule.threshold,
        "share": rule.share,
        "lookback_days": rule.lookback_days,
    }


@router.get(
    "/rules", response={200: s.RuleListOut, **error_responses()}, summary="Relapse-watch rules"
)
def rules_list(request):
    return {"items": [_rule_body(r) for r in selectors.rules_for(request.auth)]}


@router.put(
    "/rules/{rule_id}",
    response={200: s.RuleOut, **error_responses(403, 404)},
    summary="Set a rule's parameters",
)
def rules_put(request, rule_id: PathId, payload: s.RuleIn, idempotency_key: IdempotencyKey = None):
    rule = selectors.rule_for(request.auth, rule_id)

    def run():
        done = services.rule_update(
            actor=request.auth,
            rule=rule,
            is_active=payload.is_active,
            threshold=payload.threshold,
            share=payload.share,
            lookback_days=payload.lookback_days,
            channel=CHANNEL,
        )
        return 200, s.RuleOut(**_rule_body(done)).model_dump(mode="json")

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


def _area(request, area_id: int | None):
    user = request.auth
    if user.area_id is None or user.role not in selectors.SUMMARY_ROLES:
        raise Http404
    return area_for(user, area_id) if area_id else user.area


@router.get(
    "/relapse/summary",
    response={200: s.RelapseSummaryOut, **error_responses(404)},
    summary="Open flags by area and rule, and the monthly trend",
)
def relapse_summary(request, query: Query[s.SummaryQuery]):
    summary = selectors.relapse_summary(request.auth, _area(request, query.area))
    return {
        "area": summary.area.pk,
        "open_total": summary.open_total,
        "without_need": summary.without_need,
        "areas": [
            {"area": r["area"].pk, "name": r["area"].name, "open": r["open"], "helped": r["helped"]}
            for r in summary.rows
        ],
        "rules": [{"rule": str(r["rule"]), "open": r["open"]} for r in summary.by_rule],
        "months": summary.months,
        "raised": summary.raised,
        "cleared": summary.cleared,
    }


@router.get(
    "/outcomes",
    response={200: s.OutcomesOut, **error_responses(404)},
    summary="Outcomes per area and team",
)
def outcomes(request, query: Query[s.OutcomeQuery]):
    data = selectors.outcomes(request.auth, _area(request, query.area), year=query.year)
    return {
        "year": data["year"],
        "areas": [r.__dict__ for r in data["areas"]],
        "teams": [r.__dict__ for r in data["teams"]],
    }


# Help linked to needs, placements ended or changed, income by month (api_loops.py).

router.add_router("", loops_router)
