"""Schemas of /api/v1/monitoring: one input and one output per operation, names
prefixed "Monitoring" so they stay unique across the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from doorstep.core.schemas import MAX_ID, Text


class MonitoringStatusOut(Schema):
    status: str
    status_label: str
    lifted_year: int | None
    monitored_since: dt.date | None
    monitoring_type: str
    risk_kinds: list[str]
    risk_removed_on: dt.date | None
    risk_removed_reason: str
    next_review_on: dt.date | None


class MonitoringHistoryOut(Schema):
    status: str
    lifted_year: int | None
    monitoring_type: str
    risk_kinds: list[str]
    effective_on: dt.date
    reason: str
    proposal_id: int | None
    changed_by: str


class MonitoringFiguresRowOut(Schema):
    year: int
    income_per_person: Decimal
    medical_spending: Decimal
    line: Decimal | None
    above: bool


class MonitoringMeasureOut(Schema):
    id: int
    kind: str
    record_id: int | None
    description: str
    started_on: dt.date


class MonitoringReviewOut(Schema):
    id: int
    reviewed_on: dt.date
    note: str


class MonitoringStepOut(Schema):
    id: int
    stage: str
    decision: str
    reason: str
    meeting_on: dt.date | None
    attendees: int | None
    actor: str
    at: dt.datetime
    previous: dict | None = Field(
        None, description="A resubmission: what the proposal said before it was amended."
    )


class MonitoringObjectionOut(Schema):
    id: int
    received_on: dt.date
    summary: str


class MonitoringProposalOut(Schema):
    id: int
    household_id: int
    household_no: str
    kind: str
    source: str
    stage: str
    stage_label: str
    monitoring_type: str
    risk_kinds: list[str]
    figures_year: int | None
    income_per_person: Decimal | None
    monitoring_line: Decimal | None
    medical_spending: Decimal | None
    events: str
    note: str
    proposed_by: str
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    returned_reason: str
    steps: list[MonitoringStepOut] = []
    objections: list[MonitoringObjectionOut] = []


class MonitoringHouseholdOut(Schema):
    household_id: int
    household_no: str
    status: MonitoringStatusOut
    history: list[MonitoringHistoryOut]
    figures: list[MonitoringFiguresRowOut]
    proposals: list[MonitoringProposalOut]
    measures: list[MonitoringMeasureOut]
    reviews: list[MonitoringReviewOut]


class MonitoringProposalListOut(Schema):
    items: list[MonitoringProposalOut]


class MonitoringProposalListQuery(Schema):
    stage: str = Field("", max_length=20)
    limit: int = Field(100, ge=1, le=500)


class MonitoringProposalIn(Schema):
    kind: str = Field(description="enter (put under monitoring) or remove (remove the risk).")
    monitoring_type: str = Field("", description="unstable, edge or sudden.")
    risk_kinds: list[Text] = Field(default_factory=list, max_length=9)
    note: Text = Field("", max_length=2000)


class MonitoringStepIn(Schema):
    stage: str = Field(
        description="The step taken: village_review, notice, township_review or county_decision."
    )
    decision: str = Field(description="approve or return.")
    reason: Text = Field("", max_length=2000)
    meeting_on: dt.date | None = Field(None, description="Village review: the meeting's date.")
    attendees: int | None = Field(None, ge=0, le=5000)
    monitoring_type: str = Field("", description="Optionally set or correct the type.")


class MonitoringResubmitIn(Schema):
    reason: Text = Field(max_length=2000, description="What was amended, and why.")
    monitoring_type: str = Field("", description="unstable, edge or sudden; empty keeps it.")
    risk_kinds: list[Text] = Field(
        default_factory=list, max_length=9, description="Empty keeps the proposal's."
    )
    note: Text | None = Field(None, max_length=2000, description="None keeps the note.")


class MonitoringObjectionIn(Schema):
    received_on: dt.date
    summary: Text = Field(max_length=1000)


class MonitoringMeasureIn(Schema):
    kind: str = Field(description="need, assistance, placement, enrolment, loan or other.")
    record_id: int | None = Field(None, ge=1, le=MAX_ID)
    description: Text = Field(max_length=200)
    started_on: dt.date


class MonitoringReviewIn(Schema):
    reviewed_on: dt.date
    note: Text = Field("", max_length=2000)


class MonitoringStatusIn(Schema):
    status: str = Field(description="never or lifted; the procedure sets the others.")
    lifted_year: int | None = Field(None, ge=2013, le=2100)
    reason: Text = Field("", max_length=2000)


class MonitoringPolicyOut(Schema):
    county_id: int
    village_review: bool
    township_review: bool
    notice_days: int
    stable_years: int
    review_days: int
    lines: dict[int, Decimal]


class MonitoringPolicyIn(Schema):
    village_review: bool = True
    township_review: bool = True
    notice_days: int = Field(7, ge=1, le=60)
    stable_years: int = Field(1, ge=1, le=5)
    review_days: int = Field(30, ge=7, le=180)


class MonitoringLineIn(Schema):
    year: int = Field(ge=2013, le=2100)
    amount: Decimal = Field(gt=0, le=10_000_000, decimal_places=2)


class MonitoringFiguresQuery(Schema):
    area: int | None = Field(None, ge=1, le=MAX_ID)
    start: dt.date | None = None
    end: dt.date | None = None


class MonitoringCountOut(Schema):
    key: str
    label: str
    count: int | str


class MonitoringFiguresOut(Schema):
    area_id: int
    start: dt.date
    end: dt.date
    suppressed: bool
    by_status: list[MonitoringCountOut]
    by_type: list[MonitoringCountOut]
    new_monitored: int | str
    risk_removed: int | str
    refused: int | str
    notices_with_objections: int | str
    median_days_to_decision: float | str | None
    median_days_to_first_help: float | str | None
