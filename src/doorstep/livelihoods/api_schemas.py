"""Input and output schemas of /api/v1/livelihoods: one of each per operation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from doorstep.core.schemas import Id, NonNegativeAmount, Text
from doorstep.livelihoods.models import (
    Certification,
    EmployerKind,
    IncomeSource,
    LifeEventKind,
    Premises,
    Repayment,
    SalesChannel,
    TrainingOutcome,
    WorkType,
)

# Not negative (core.validators, the pages' words); not absurd: checked in the services.
Amount = NonNegativeAmount


class PageQuery(Schema):
    cursor: str | None = Field(None, description="From the previous page's next_cursor.")
    limit: int = Field(50, ge=1, le=200)


# --- skills, employers, openings -------------------------------------------------------------


class SkillIn(Schema):
    code: Text = Field(max_length=40)
    name: Text = Field(max_length=80)


class SkillOut(Schema):
    id: int
    code: str
    label: str


class SkillListOut(Schema):
    items: list[SkillOut]


class EmployerIn(Schema):
    name: Text = Field(max_length=120)
    kind: EmployerKind
    area: Id
    address: Text = Field("", max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    contact_name: Text = Field("", max_length=64)
    contact_phone: Text = Field("", max_length=20)


class EmployerOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    address: str
    latitude: float | None
    longitude: float | None
    contact_name: str
    contact_phone: str


class EmployerPageOut(Schema):
    items: list[EmployerOut]
    next_cursor: str | None


class OpeningIn(Schema):
    employer: Id
    title: Text = Field(max_length=120)
    area: Id
    wage_monthly: Amount
    posts: int = Field(ge=1, le=10000)
    starts_on: dt.date
    closes_on: dt.date
    ends_on: dt.date | None = None
    work_type: WorkType = WorkType.FULL_TIME
    skills: list[Id] = Field(default_factory=list, max_length=50)
    languages: list[Text] = Field(default_factory=list, max_length=10)
    description: Text = Field("", max_length=4000)
    latitude: float | None = None
    longitude: float | None = None


class OpeningOut(Schema):
    id: int
    employer_id: int
    title: str
    area_id: int
    wage_monthly: Decimal
    posts: int
    starts_on: dt.date
    ends_on: dt.date | None
    closes_on: dt.date
    work_type: str
    languages: str
    status: str
    skills: list[int]

    @staticmethod
    def resolve_skills(obj) -> list[int]:
        return sorted(s.pk for s in obj.skills.all())


class OpeningPageOut(Schema):
    items: list[OpeningOut]
    next_cursor: str | None


class LivelihoodsEmptyIn(Schema):
    """No fields: the action is the whole request."""

    pass


class ReasonOut(Schema):
    factor: str
    points: int
    max: int
    text: str


class SeekerMatchOut(Schema):
    seeker: int
    resident: int | None
    name: str
    household: int | None
    household_no: str
    score: int
    distance_km: float | None
    reasons: list[ReasonOut]


class SeekerMatchListOut(Schema):
    items: list[SeekerMatchOut]
    area: int


class OpeningMatchOut(Schema):
    opening: int
    title: str
    employer: str
    score: int
    distance_km: float | None
    posts_left: int
    reasons: list[ReasonOut]


class OpeningMatchListOut(Schema):
    items: list[OpeningMatchOut]


class MatchQuery(Schema):
    area: Id | None = Field(None, description="Look in this area (inside your scope).")
    limit: int = Field(50, ge=1, le=500)


# --- seekers, proposals, placements -----------------------------------------------------------


class SeekerIn(Schema):
    skills: list[Id] = Field(default_factory=list, max_length=50)
    languages: list[Text] = Field(default_factory=list, max_length=10)
    work_types: list[WorkType] = Field(default_factory=list, max_length=4)
    min_wage: Amount = Decimal(0)
    max_distance_km: int = Field(30, ge=0, le=2000)
    is_looking: bool = True
    notes: Text = Field("", max_length=4000)


class SeekerOut(Schema):
    id: int
    resident_id: int
    household_id: int
    skills: list[int]
    languages: str
    work_types: str
    min_wage: Decimal
    max_distance_km: int
    is_looking: bool

    @staticmethod
    def resolve_skills(obj) -> list[int]:
        return sorted(obj.skill_rows.values_list("skill_id", flat=True))


class SeekerPageOut(Schema):
    items: list[SeekerOut]
    next_cursor: str | None


class ProposalIn(Schema):
    opening: Id
    seeker: Id
    note: Text = Field("", max_length=2000)


class ProposalOut(Schema):
    id: int
    opening_id: int
    seeker_id: int
    household_id: int
    status: str
    score: int
    reasons: list[dict]
    proposed_at: dt.datetime


class ProposalPageOut(Schema):
    items: list[ProposalOut]
    next_cursor: str | None


class DeclineIn(Schema):
    by: str = Field(pattern="^(resident|employer)$", description="resident or employer")
    note: Text = Field("", max_length=2000)


class AcceptIn(Schema):
    started_on: dt.date
    wage_monthly: Amount | None = None


class FollowUpOut(Schema):
    id: int
    month: int
    due_on: dt.date
    done_on: dt.date | None
    still_employed: bool | None
    wage_monthly: Decimal | None


class PlacementOut(Schema):
    id: int
    opening_id: int
    seeker_id: int
    household_id: int
    worker_id: int | None
    started_on: dt.date
    wage_monthly: Decimal
    status: str
    ended_on: dt.date | None
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_follow_ups(obj):
        return list(obj.follow_ups.order_by("month"))


class PlacementPageOut(Schema):
    items: list[PlacementOut]
    next_cursor: str | None


class FollowUpIn(Schema):
    still_employed: bool
    wage_monthly: Amount | None = None
    done_on: dt.date | None = None
    notes: Text = Field("", max_length=4000)


# --- training ----------------------------------------------------------------------------


class CourseIn(Schema):
    skill: Id
    title: Text = Field(max_length=120)
    provider: Text = Field("", max_length=120)
    hours: int = Field(0, ge=0, le=5000)
    description: Text = Field("", max_length=4000)


class CourseOut(Schema):
    id: int
    skill_id: int
    title: str
    provider: str
    hours: int
    completed: int = 0
    employed_rate: int = 0
    business_rate: int = 0
    neither_rate: int = 0


class CourseListOut(Schema):
    items: list[CourseOut]


class SessionIn(Schema):
    course: Id
    trainer: Text = Field(max_length=80)
    area: Id
    venue: Text = Field("", max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    capacity: int = Field(ge=1, le=1000)


class SessionOut(Schema):
    id: int
    course_id: int
    trainer: str
    area_id: int
    venue: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int


class EnrolmentIn(Schema):
    resident: Id
    resident_agreed: bool = Field(
        False,
        description="The resident was asked and agreed to this course; required "
        "(training is voluntary).",
    )


class EnrolmentOut(Schema):
    id: int
    session_id: int
    resident_id: int
    household_id: int
    status: str
    enrolled_on: dt.date
    completed_on: dt.date | None
    certificate_no: str
    outcome: str


class SessionDetailOut(SessionOut):
    enrolments: list[EnrolmentOut]


class AttendanceIn(Schema):
    day: dt.date
    present: list[Id] = Field(default_factory=list, max_length=1000)


class AttendanceOut(Schema):
    recorded: int


class CompleteIn(Schema):
    completed_on: dt.date
    certificate_no: Text = Field("", max_length=40)


class OutcomeIn(Schema):
    outcome: TrainingOutcome
    recorded_on: dt.date | None = None


# --- businesses and cooperatives ---------------------------------------------------------------


class BusinessIn(Schema):
    owner: Id
    name: Text = Field(max_length=120)
    started_on: dt.date
    trade: Text = Field("", max_length=80)
    skill: Id | None = None
    licence_no: Text = Field("", max_length=40)
    premises: Premises = Premises.HOME
    premises_address: Text = Field("", max_length=200)


class LoanOut(Schema):
    id: int
    amount: Decimal
    bank: str
    term_months: int
    disbursed_on: dt.date
    repayment: str


class BusinessOut(Schema):
    id: int
    household_id: int
    owner_id: int
    name: str
    trade: str
    started_on: dt.date
    licence_no: str
    premises: str
    loans: list[LoanOut]

    @staticmethod
    def resolve_loans(obj):
        return list(obj.loans.order_by("pk"))


class BusinessPageOut(Schema):
    items: list[BusinessOut]
    next_cursor: str | None


class LoanIn(Schema):
    amount: Amount
    bank: Text = Field(max_length=80)
    term_months: int = Field(ge=1, le=360)
    disbursed_on: dt.date
    repayment: Repayment = Repayment.ON_TRACK


class RepaymentIn(Schema):
    repayment: Repayment


class CooperativeIn(Schema):
    name: Text = Field(max_length=120)
    area: Id
    products: Text = Field(max_length=200)
    founded_on: dt.date
    certifications: list[Certification] = Field(default_factory=list, max_length=3)
    sales_channels: list[SalesChannel] = Field(default_factory=list, max_length=3)


class CooperativeOut(Schema):
    id: int
    name: str
    area_id: int
    products: str
    founded_on: dt.date
    certifications: list[str]
    sales_channels: list[str]

    @staticmethod
    def resolve_certifications(obj) -> list[str]:
        return [c for c in obj.certifications.split(",") if c]

    @staticmethod
    def resolve_sales_channels(obj) -> list[str]:
        return [c for c in obj.sales_channels.split(",") if c]


class CooperativePageOut(Schema):
    items: list[CooperativeOut]
    next_cursor: str | None


class MemberIn(Schema):
    resident: Id
    joined_on: dt.date


class MemberOut(Schema):
    id: int
    cooperative_id: int
    resident_id: int
    joined_on: dt.date


# --- income, events, relapse watch ---------------------------------------------------------------


class IncomeIn(Schema):
    year: int = Field(ge=1900, le=2200)
    source: IncomeSource
    amount: Amount


class YearIn(Schema):
    members: int | None = Field(None, ge=1, le=50)
    medical_spending: Amount | None = None


class YearOut(Schema):
    year: int
    members: int
    income_total: Decimal
    income_per_person: Decimal
    medical_spending: Decimal
    months: int = Field(0, description="Months with monthly income (0: yearly only).")
    by_source: dict[str, Decimal] = Field(default_factory=dict)


class IncomeOut(Schema):
    household: int
    years: list[YearOut]


class EventIn(Schema):
    kind: LifeEventKind
    occurred_on: dt.date
    note: Text = Field("", max_length=4000)


class LifeEventOut(Schema):
    id: int
    household_id: int
    kind: str
    occurred_on: dt.date


class FlagOut(Schema):
    id: int
    household_id: int
    rule: str
    status: str
    year: int | None
    value: Decimal | None
    reference: Decimal | None
    rule_limit: Decimal | None
    event_id: int | None
    explanation: str
    need_id: int | None
    raised_at: dt.datetime
    cleared_at: dt.datetime | None
    clear_reason: str


class FlagPageOut(Schema):
    items: list[FlagOut]
    next_cursor: str | None


class FlagQuery(PageQuery):
    status: str | None = Field(None, pattern="^(open|cleared)$")
    household: Id | None = None


class FlagClearIn(Schema):
    note: Text = Field(min_length=1, max_length=2000)


class RuleIn(Schema):
    is_active: bool = True
    threshold: Amount | None = None
    share: Amount | None = None
    lookback_days: int | None = None


class RuleOut(Schema):
    id: int
    kind: str
    name: str
    is_active: bool
    threshold: Decimal | None
    share: Decimal | None
    lookback_days: int | None


class RuleListOut(Schema):
    items: list[RuleOut]


class SummaryQuery(Schema):
    area: Id | None = None


class AreaCountOut(Schema):
    area: int
    name: str
    open: int | None
    helped: int | None


class RuleCountOut(Schema):
    rule: str
    open: int | None


class RelapseSummaryOut(Schema):
    area: int
    open_total: int | None
    without_need: int | None
    areas: list[AreaCountOut]
    rules: list[RuleCountOut]
    months: list[str]
    raised: list[int | None]
    cleared: list[int | None]


class OutcomeQuery(Schema):
    area: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class OutcomeRowOut(Schema):
    label: str
    placements: int | None
    held_6_months: int | None
    trainees_completed: int | None
    trainees_employed: int | None
    income_before: float | None
    income_after: float | None
    flagged: int | None
    helped: int | None


class OutcomesOut(Schema):
    year: int
    areas: list[OutcomeRowOut]
    teams: list[OutcomeRowOut]
