"""Input and output schemas of the casework API (casework/api.py): one of each per
operation. Choices are the models' TextChoices, so the OpenAPI schema lists them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

from doorstep.casework.models import (
    AssistanceKind,
    BenefitStatus,
    BenefitType,
    ContactKind,
    MaterialType,
    NeedCategory,
    NeedStatus,
    NotificationKind,
    ReferralStatus,
    UnitKind,
    Urgency,
)
from doorstep.casework.services import NeedAction, allowed_actions
from doorstep.casework.services.schedule import MAX_POLICY_INTERVAL_DAYS
from doorstep.core.schemas import (
    AMOUNT_12_2,
    ErrorOut,
    Id,
    IsoDatetime,
    NonNegativeAmount,
    Text,
)

Version = Annotated[
    int,
    Field(
        ge=1,
        le=2**31 - 1,
        description="The version you read. A stale one answers 409 and changes nothing.",
    ),
]
Note = Annotated[Text, Field(max_length=4000, description="Free text.")]
Cursor = Annotated[
    Text | None, Field(None, max_length=512, description="next_cursor of the previous page.")
]
Limit = Annotated[int, Field(50, ge=1, le=200, description="Page size.")]


class InputSchema(Schema):
    # An unknown field is refused rather than dropped silently.
    model_config = ConfigDict(extra="forbid")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


class StaffRefOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return _name(obj)


# --- units --------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    name: str
    kind: UnitKind


class UnitListOut(Schema):
    items: list[UnitOut]


# --- pairings -----------------------------------------------------------------------


class PairingCreateIn(InputSchema):
    worker: Id = Field(description="Id of the worker or team leader to pair.")
    household: Id
    started_on: dt.date | None = Field(None, description="Today when left out.")
    replace: bool = Field(
        False, description="End the household's current pairing with someone else."
    )


class PairingBulkIn(InputSchema):
    worker: Id
    household_ids: list[Id] = Field(min_length=1, max_length=500)
    started_on: dt.date | None = None


class PairingEndIn(InputSchema):
    ended_on: dt.date | None = Field(None, description="Today when left out.")


class PairingOut(Schema):
    id: int
    worker: StaffRefOut
    household: int = Field(description="Household id.")
    started_on: dt.date
    ended_on: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id


class PairingListOut(Schema):
    items: list[PairingOut]


class PairingPageOut(Schema):
    items: list[PairingOut]
    next_cursor: str | None


class PairingListQuery(Schema):
    household: Id | None = None
    worker: Id | None = None
    active: bool | None = Field(None, description="Only active (true) or ended (false).")
    cursor: Cursor = None
    limit: Limit = 50


# --- contacts and the due list --------------------------------------------------------


class ContactCreateIn(InputSchema):
    household: Id
    kind: ContactKind
    occurred_at: IsoDatetime | None = Field(
        None,
        description="When it happened (not when it is sent), ISO 8601 with a time zone; now "
        "when left out. Not in the future, nor older than DOORSTEP_CONTACT_MAX_AGE_DAYS.",
    )
    ended_at: IsoDatetime | None = Field(
        None,
        description="The end of a stay of several days, ISO 8601 with a time zone; the "
        "duration is then the stay.",
    )
    duration_minutes: int = Field(0, ge=0, le=1440, description="Without an end: at most a day.")
    met_with: Text = Field("", max_length=200, description="Who was met.")
    notes: Note = ""
    needs_found: Note = ""
    checklist: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{2,39}$")],
        bool | Annotated[Text, Field(max_length=200)],
    ] = Field(
        default_factory=dict,
        max_length=50,
        description="Key of a contact question template (GET /casework/question-templates) "
        "→ yes/no or a note, as the template says. Nothing else is accepted.",
    )


class ContactOut(Schema):
    id: int
    household: int
    worker: StaffRefOut
    kind: ContactKind
    occurred_at: dt.datetime
    ended_at: dt.datetime | None
    duration_minutes: int
    met_with: str
    notes: str
    needs_found: str
    checklist: dict[str, Any]

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id


class ContactPageOut(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactListQuery(Schema):
    household: Id | None = None
    cursor: Cursor = None
    limit: Limit = 50


class DueItemOut(Schema):
    household: int
    household_no: str
    head_name: str
    area_name: str
    next_due_on: dt.date
    days_overdue: int
    last_contact_at: dt.datetime | None
    interval_days: int
    basis: str

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id

    @staticmethod
    def resolve_household_no(obj) -> str:
        return obj.household.household_no

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.household.area.name


class OtherDueItemOut(Schema):
    kind: str = Field(description="What kind of work: welfare_check, placement_follow_up, ...")
    label: str
    detail: str
    due_on: dt.date
    url: str = Field(description="The page where the work is done.")
    household: int | None = Field(None, alias="household_id")
    household_no: str
    head_name: str
    pinned: bool = Field(description="Shown above the contact schedule (emergency rounds).")


class DueListOut(Schema):
    items: list[OtherDueItemOut] = Field(
        description="Work owned by other features (welfare checks, placement follow-ups), pinned first."
    )
    overdue: list[DueItemOut]
    due_this_week: list[DueItemOut]
    later: list[DueItemOut]


class LoadOut(Schema):
    worker: int | None
    name: str
    team: int | None = Field(description="Area id of the worker's own area (their team).")
    team_name: str
    # None: fewer than five, hidden from analysts (core.suppression).
    households: int | None
    overdue: int | None
    due_this_week: int | None

    @staticmethod
    def resolve_worker(obj):
        return obj.worker_id

    @staticmethod
    def resolve_team(obj):
        return obj.team_id


class OverdueSummaryOut(Schema):
    workers: list[LoadOut] = Field(description="The most overdue workers first, at most `limit`.")
    workers_total: int = Field(description="Workers with households in the area.")
    teams: list[LoadOut]
    unassigned: LoadOut


class OverdueSummaryQuery(Schema):
    area: Id
    limit: int = Field(100, ge=1, le=1000, description="Workers listed, most overdue first.")


class OverdueQuery(Schema):
    area: Id
    worker: Id | None = Field(None, description="Only this worker's households.")


class OverdueHouseholdOut(Schema):
    household: int
    household_no: str
    worker: int | None
    next_due_on: dt.date
    last_contact_at: dt.datetime | None

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id

    @staticmethod
    def resolve_household_no(obj) -> str:
        return obj.household.household_no

    @staticmethod
    def resolve_worker(obj):
        return obj.worker_id


class OverdueHouseholdListOut(Schema):
    items: list[OverdueHouseholdOut] = Field(description="At most 200, most overdue first.")


# --- needs --------------------------------------------------------------------------


class NeedCreateIn(InputSchema):
    household: Id
    category: NeedCategory
    urgency: Urgency = Urgency.NORMAL
    title: Text = Field(min_length=1, max_length=200)
    description: Note = ""


class NeedUpdateIn(InputSchema):
    version: Version
    category: NeedCategory | None = None
    urgency: Urgency | None = None
    title: Text | None = Field(None, min_length=1, max_length=200)
    description: Note | None = None


class NeedTransitionIn(InputSchema):
    action: NeedAction
    version: Version
    note: Note = Field("", description="Required to reopen: say why.")


class NeedNoteIn(InputSchema):
    note: Note = Field(min_length=1)


class NeedListQuery(Schema):
    household: Id | None = None
    status: NeedStatus | None = None
    escalated: bool = Field(False, description="Only needs escalated to your level.")
    cursor: Cursor = None
    limit: Limit = 50


class NeedOut(Schema):
    id: int
    household: int
    household_no: str
    category: NeedCategory
    urgency: Urgency
    status: NeedStatus
    title: str
    description: str
    owner: StaffRefOut | None
    opened_at: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    acknowledge_due_at: dt.datetime
    resolve_due_at: dt.datetime
    escalation_level: int = Field(description="0 none, 1 team leader, 2 supervisor.")
    cycle: int
    version: int = Field(description="Send it back with a change or a transition.")
    allowed_actions: list[NeedAction]

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id

    @staticmethod
    def resolve_household_no(obj) -> str:
        return obj.household.household_no

    # Generated titles and descriptions in the caller's language (core.texts).
    @staticmethod
    def resolve_title(obj) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.shown_description

    @staticmethod
    def resolve_allowed_actions(obj) -> list[str]:
        return allowed_actions(obj)


class NeedPageOut(Schema):
    items: list[NeedOut]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    actor: StaffRefOut | None
    note: str
    from_status: str
    to_status: str
    referral: int | None
    detail: dict[str, Any]

    @staticmethod
    def resolve_note(obj) -> str:
        return obj.shown_note

    @staticmethod
    def resolve_referral(obj):
        return obj.referral_id


class NeedDetailOut(NeedOut):
    timeline: list[EventOut]

    @staticmethod
    def resolve_timeline(obj) -> list:
        return obj.timeline


class NeedConflictOut(ErrorOut):
    current: NeedOut = Field(description="The need as it is now.")
    changed_fields: list[str] = Field(description="What changed since the version you sent.")


# --- referrals ----------------------------------------------------------------------


class ReferralCreateIn(InputSchema):
    unit: Id = Field(description="A unit that takes referrals (GET /units).")
    note: Note = Field("", description="What is asked of the unit.")
    due_at: IsoDatetime | None = Field(None, description="In 7 days when left out.")
    resident_agreed: bool = Field(
        False,
        description="The resident was asked and agreed; required for a vocational skills "
        "school (training is voluntary).",
    )


class ReferralAcceptIn(InputSchema):
    note: Note = ""


class ReferralDeclineIn(InputSchema):
    reason: Note = Field(min_length=1)


class ReferralActionIn(InputSchema):
    note: Note = Field(min_length=1, description="What was done.")
    completed: bool = Field(False, description="The unit's part is done: `note` is the outcome.")
    final: bool = Field(
        False,
        description="With `completed`: the answer settles the need (a benefit paid), "
        "which resolves it at once; otherwise its owner is asked to resolve it.",
    )


class ReferralOut(Schema):
    id: int
    need: int
    need_title: str
    household_no: str
    unit: UnitOut
    status: ReferralStatus
    note: str
    decline_reason: str
    due_at: dt.datetime
    created_at: dt.datetime
    responded_at: dt.datetime | None
    completed_at: dt.datetime | None
    outcome: str
    outcome_final: bool

    @staticmethod
    def resolve_need(obj) -> int:
        return obj.need_id

    @staticmethod
    def resolve_need_title(obj) -> str:
        return obj.need.shown_title

    @staticmethod
    def resolve_household_no(obj) -> str:
        return obj.need.household.household_no


class ReferralPageOut(Schema):
    items: list[ReferralOut]
    next_cursor: str | None


class ReferralListQuery(Schema):
    status: ReferralStatus | None = None
    overdue: bool = Field(False, description="Only unanswered past their answer date.")
    cursor: Cursor = None
    limit: Limit = 50


# --- assistance and feedback -----------------------------------------------------------


class AssistanceCreateIn(InputSchema):
    kind: AssistanceKind
    benefit_type: BenefitType | None = None
    benefit_status: BenefitStatus | None = None
    material_type: MaterialType | None = None
    amount: NonNegativeAmount | None = Field(
        None,
        max_digits=12,
        decimal_places=2,
        json_schema_extra=AMOUNT_12_2,
        description="Amount or value in yuan, 0 or more.",
    )
    description: Text = Field("", max_length=200)
    given_on: dt.date | None = None


class AssistanceStatusIn(InputSchema):
    benefit_status: BenefitStatus
    amount: NonNegativeAmount | None = Field(
        None, max_digits=12, decimal_places=2, json_schema_extra=AMOUNT_12_2
    )


class AssistanceOut(Schema):
    id: int
    need: int
    kind: AssistanceKind
    benefit_type: str
    benefit_status: str
    material_type: str
    amount: Decimal | None
    description: str
    given_on: dt.date

    @staticmethod
    def resolve_need(obj) -> int:
        return obj.need_id


class FeedbackIn(InputSchema):
    satisfaction: int = Field(ge=1, le=5)
    comment: Note = ""


class FeedbackOut(Schema):
    id: int
    need: int
    cycle: int
    satisfaction: int
    comment: str
    source: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_need(obj) -> int:
        return obj.need_id


# --- notifications ---------------------------------------------------------------------


class NotificationListQuery(Schema):
    unread: bool = Field(False, description="Only notifications not yet read.")
    cursor: Cursor = None
    limit: Limit = 50


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    need: int
    need_title: str
    referral: int | None
    unit_name: str
    note: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_note(obj) -> str:
        return obj.shown_note

    @staticmethod
    def resolve_need(obj) -> int:
        return obj.need_id

    @staticmethod
    def resolve_need_title(obj) -> str:
        return obj.need.shown_title

    @staticmethod
    def resolve_referral(obj) -> int | None:
        return obj.referral_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.referral.unit.name if obj.referral_id else ""


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int = Field(description="How many of your notifications are not yet read.")


# --- visit policies -------------------------------------------------------------------

PolicyDays = Annotated[
    int, Field(ge=1, le=MAX_POLICY_INTERVAL_DAYS, description="Days between contacts.")
]


class VisitPolicySetIn(InputSchema):
    interval_days: PolicyDays = Field(description="Every household, at least every n days.")
    vulnerable_interval_days: PolicyDays = Field(
        description="Vulnerable households, at least every n days; at most interval_days."
    )


class VisitPolicyOut(Schema):
    area: int = Field(description="Area id.")
    area_code: str
    area_name: str
    interval_days: int
    vulnerable_interval_days: int
    source: Literal["set", "inherited", "default"] = Field(
        description="set on this area, inherited from an area above it, or the default."
    )
    updated_by: StaffRefOut | None
    updated_at: AwareDatetime | None

    @staticmethod
    def resolve_area(obj) -> int:
        return obj.area.pk

    @staticmethod
    def resolve_area_code(obj) -> str:
        return obj.area.code

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name


class VisitPolicyListOut(Schema):
    items: list[VisitPolicyOut] = Field(
        description="Your own area first (with the policy that applies to it), then every "
        "policy set below it."
    )
