"""Input and output schemas of /api/v1/hotline, one pair per operation."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from doorstep.core.schemas import Id, Text


class OnDutyOut(Schema):
    office_id: int
    office: str
    office_phone: str
    officer: str
    officer_phone: str
    role: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class CallerOut(Schema):
    resident_id: int
    name: str
    household_id: int
    household_no: str
    area: str


class CallCreateIn(Schema):
    office_id: Id
    category: str = Field(
        description="power, water, gas, lift_entrapment, fire_hazard, person_in_danger, noise_dispute, sanitation or other."
    )
    also_categories: list[str] = Field(
        [],
        max_length=3,
        description="The call's other categories (a power cut with a person trapped in a "
        "lift): the leading one is the first life-safety category.",
    )
    description: Text = Field("", max_length=4000)
    urgency: str = Field(
        "", description="immediate, high or normal; life-safety categories are always immediate."
    )
    caller_resident_id: Id | None = None
    caller_name: Text = Field("", max_length=64)
    caller_phone: Text = Field("", max_length=40)
    place_area_id: Id | None = None
    building: Text = Field("", max_length=40)
    unit: Text = Field("", max_length=40)
    address: Text = Field("", max_length=200)
    latitude: float | None = None
    longitude: float | None = None


class DispatchOut(Schema):
    id: int
    responder_id: int
    responder: str
    status: str
    dispatched_at: dt.datetime
    acknowledged_at: dt.datetime | None
    arrived_at: dt.datetime | None
    resolved_at: dt.datetime | None


class SafetyStepOut(Schema):
    code: str
    label: str
    done_at: dt.datetime | None


class CallOut(Schema):
    id: int
    office_id: int
    status: str
    category: str = Field(description="The leading category.")
    categories: list[str] = Field(description="Every category, the leading one first.")
    urgency: str
    description: str
    caller_kind: str
    caller_name: str
    caller_phone: str
    building: str
    unit: str
    address: str
    latitude: float | None
    longitude: float | None
    received_at: dt.datetime
    acknowledge_due_at: dt.datetime
    arrive_due_at: dt.datetime
    resolve_due_at: dt.datetime
    escalated: bool
    cycle: int
    need_id: int | None
    dispatches: list[DispatchOut]
    safety_steps: list[SafetyStepOut]


class BoardRowOut(Schema):
    id: int
    status: str
    category: str
    categories: list[str] = Field(description="Every category, the leading one first.")
    urgency: str
    received_at: dt.datetime
    resolve_due_at: dt.datetime
    escalated: bool
    responders: list[str]


class BoardOut(Schema):
    items: list[BoardRowOut]


class CallEventOut(Schema):
    kind: str
    at: dt.datetime
    note: str


class CallDetailOut(CallOut):
    events: list[CallEventOut]


class DispatchIn(Schema):
    responder_id: Id
    note: Text = Field("", max_length=200)


class SafetyStepIn(Schema):
    code: Text = Field(max_length=32)


class StepIn(Schema):
    step: Literal["acknowledge", "arrive", "resolve"]
    note: Text = Field("", max_length=200)


class CallbackIn(Schema):
    outcome: Literal["confirmed", "not_fixed", "no_answer"]
    note: Text = Field("", max_length=200)


class ReopenIn(Schema):
    note: Text = Field(min_length=1, max_length=200)


class ShiftIn(Schema):
    office_id: Id
    officer_id: Id
    starts_at: dt.datetime
    ends_at: dt.datetime
    role: Literal["officer", "leader"] = "officer"


class ShiftOut(Schema):
    id: int
    office_id: int
    officer_id: int
    role: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class GapQuery(Schema):
    start: dt.datetime
    end: dt.datetime
    needed: int | None = Field(None, ge=1, le=50)


class GapOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    on_duty: int
    needed: int


class GapListOut(Schema):
    items: list[GapOut]


class SwapIn(Schema):
    replacement_id: Id
    reason: Text = Field("", max_length=200)


class SwapDecisionIn(Schema):
    approve: bool


class SwapOut(Schema):
    id: int
    shift_id: int
    replacement_id: int
    status: str


class HazardCreateIn(Schema):
    """Multipart form fields of POST /hazards (the photo is the `photo` file part).
    Coordinates are text so that an empty field means "no point"."""

    office_id: Id
    kind: str = Field(
        description="blocked_fire_exit, broken_light, unsafe_wiring, gas_leak or other."
    )
    description: Text = Field("", max_length=4000)
    place_area_id: Id | None = Field(None, description="A compound inside the office's area.")
    address: Text = Field("", max_length=200)
    latitude: str = Field("", max_length=32)
    longitude: str = Field("", max_length=32)
    patrol_id: Id | None = Field(None, description="The caller's own patrol, if walking one.")


class HazardOut(Schema):
    id: int
    office_id: int
    patrol_id: int | None
    kind: str
    status: str
    description: str
    place_area_id: int | None
    address: str
    latitude: float | None
    longitude: float | None
    found_at: dt.datetime
    found_by_id: int
    photo_url: str | None = Field(description="Served only to callers who may see the hazard.")
    call_id: int | None


class HazardListOut(Schema):
    items: list[HazardOut]
    next_before_id: int | None = Field(
        description="Pass as before_id for the next (older) page; null on the last page."
    )
