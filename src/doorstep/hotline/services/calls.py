"""A call's life: taken (life-safety calls marked immediate, with their check-list) →
dispatched to a responder → acknowledged → on scene → resolved → the caller is called
back and the call is closed with their confirmation, or reopened (a new cycle with new
service-level deadlines). Every step is a CallEvent with its time.

Concurrency: every step locks the call row (SELECT ... FOR UPDATE) and checks its status
before writing, so of two people pressing the same button one wins and the other gets a
ValidationError naming the status; `version` is bumped on every change.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.areas.models import Area
from doorstep.hotline.models import (
    LIFE_SAFETY,
    Call,
    CallCategory,
    CallerKind,
    CallEvent,
    CallEventKind,
    CallServiceLevel,
    CallSource,
    CallStatus,
    Dispatch,
    DispatchStatus,
    Office,
    Responder,
    SafetyStep,
    Urgency,
)
from doorstep.hotline.services.common import DUTY_ROLES, audit, require_role
from doorstep.privacy.models import AuditAction
from doorstep.registry.validators import normalize_phone, validate_phone

# Used only when a service level row is missing (migration 0002 seeds every category).
FALLBACK_MINUTES = (60, 240, 2880)

# Steps to take at once, per life-safety category, in order. The codes are stored on
# the call (SafetyStep.code); the labels are shown to the officer.
SAFETY_STEPS: dict[str, list[tuple[str, Any]]] = {
    CallCategory.LIFT_ENTRAPMENT: [
        (
            "reassure",
            gettext_lazy(
                "Tell the people in the lift to stay calm, press the alarm button and not force the doors."
            ),
        ),
        (
            "lift_company",
            gettext_lazy(
                "Call the lift maintenance company: it must be on scene within 30 minutes."
            ),
        ),
        ("call_120", gettext_lazy("If someone is hurt or unwell, call 120.")),
        ("call_119", gettext_lazy("If there is smoke or the company cannot come, call 119.")),
        (
            "property",
            gettext_lazy("Tell the property company or the residents' group to go to the lift."),
        ),
    ],
    CallCategory.GAS: [
        (
            "leave",
            gettext_lazy(
                "Tell the caller not to touch any switch or flame, to open the windows and to leave."
            ),
        ),
        ("gas_company", gettext_lazy("Call the gas company's emergency line.")),
        ("call_119", gettext_lazy("If the smell is strong or there is fire, call 119.")),
    ],
    CallCategory.FIRE_HAZARD: [
        ("call_119", gettext_lazy("If there is fire or smoke, call 119 now.")),
        ("leave", gettext_lazy("Tell the caller to leave by the stairs, never the lift.")),
        ("send_staff", gettext_lazy("Send the nearest staff to the scene.")),
    ],
    CallCategory.PERSON_IN_DANGER: [
        ("call_120", gettext_lazy("If the person is hurt or unwell, call 120.")),
        ("family", gettext_lazy("Call the family or the household's paired worker.")),
        ("send_staff", gettext_lazy("Send the nearest staff or a neighbour to the door.")),
        (
            "call_110_door",
            gettext_lazy(
                "If nobody has a key and the person does not answer, call 110 to open the door."
            ),
        ),
    ],
}

MAX_DESCRIPTION = 4000


def safety_step_label(category: str, code: str) -> str:
    """The step's label under `category`, else under any category (a call with several
    categories has their steps)."""
    for step_code, label in SAFETY_STEPS.get(category, []):
        if step_code == code:
            return str(label)
    for steps in SAFETY_STEPS.values():
        for step_code, label in steps:
            if step_code == code:
                return str(label)
    return code


MAX_CATEGORIES = 4


def call_categories(category: str, also: Iterable[str]) -> list[str]:
    """The call's categories, the leading one first: the first life-safety one given,
    else `category`. Raises ValidationError naming `also_categories`."""
    extra = [c for c in dict.fromkeys(also or ()) if c != category]
    unknown = [c for c in extra if c not in CallCategory.values]
    if unknown:
        raise ValidationError(
            {"also_categories": _("Unknown category: %(value)s.") % {"value": unknown[0]}}
        )
    if len(extra) + 1 > MAX_CATEGORIES:
        raise ValidationError(
            {"also_categories": _("A call has at most %(n)s categories.") % {"n": MAX_CATEGORIES}}
        )
    every = [category, *extra]
    lead = next((c for c in every if c in LIFE_SAFETY), category)
    return [lead, *[c for c in every if c != lead]]


def service_level_due(*, category: str, start: dt.datetime) -> tuple[dt.datetime, ...]:
    level = CallServiceLevel.objects.filter(category=category).first()
    minutes = (
        (level.acknowledge_minutes, level.arrive_minutes, level.resolve_minutes)
        if level
        else FALLBACK_MINUTES
    )
    return tuple(start + dt.timedelta(minutes=m) for m in minutes)


def event_add(*, call: Call, kind: str, actor, at=None, note: str = "", detail=None) -> CallEvent:
    return CallEvent.objects.create(
        call=call,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
        note=(note or "")[:500],
        detail=detail or {},
    )


def _coordinate(value, *, field: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(
            {field: _("Enter a value between %(low)s and %(high)s.") % {"low": low, "high": high}}
        )
    return number


def validate_call_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Check every field a call is taken with; raise one ValidationError naming all the
    fields at fault (so pages, the API and Open311 say the same thing)."""
    errors: dict[str, str] = {}
    out = dict(data)
    if out.get("category") not in CallCategory.values:
        errors["category"] = _("Choose a category from the list.")
    urgency = out.get("urgency") or Urgency.NORMAL
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose an urgency from the list.")
    out["urgency"] = urgency
    out["description"] = (out.get("description") or "").strip()
    if len(out["description"]) > MAX_DESCRIPTION:
        errors["description"] = _("Keep the description under %(n)s characters.") % {
            "n": MAX_DESCRIPTION
        }
    phone = normalize_phone(out.get("caller_phone") or "")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["caller_phone"] = exc.messages[0]
    out["caller_phone"] = phone
    for name, limit in (("caller_name", 64), ("building", 40), ("unit", 40), ("address", 200)):
        out[name] = (out.get(name) or "").strip()
        if len(out[name]) > limit:
            errors[name] = _("Enter at most %(max_length)s characters.") % {"max_length": limit}
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        try:
            out[name] = _coordinate(out.get(name), field=name, low=low, high=high)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if (out.get("latitude") is None) != (out.get("longitude") is None) and not (
        "latitude" in errors or "longitude" in errors
    ):
        errors["longitude" if out.get("longitude") is None else "latitude"] = _(
            "Give both latitude and longitude, or neither."
        )
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def call_take(
    *,
    actor,
    office: Office,
    category: str,
    description: str = "",
    urgency: str = "",
    caller_resident=None,
    caller_name: str = "",
    caller_phone: str = "",
    place_area: Area | None = None,
    building: str = "",
    unit: str = "",
    address: str = "",
    latitude=None,
    longitude=None,
    contact_email: str = "",
    source: str = CallSource.PHONE,
    also_categories: Iterable[str] = (),
    client_id=None,
    channel: str,
) -> Call:
    """Take a call. `office` and `caller_resident` come from scoped selectors; `actor` is
    None only for Open311 requests (the key decides the office). `also_categories`: the
    call's other categories (a power cut with a person trapped in a lift); the deadlines
    are the tightest of them all, the check-list every life-safety category's steps."""
    if source != CallSource.OPEN311:
        require_role(actor, DUTY_ROLES)
    if client_id is not None and actor is not None:
        earlier = Call.objects.filter(taken_by=actor, client_id=client_id).first()
        if earlier is not None:
            return earlier
    data = validate_call_fields(
        {
            "category": category,
            "urgency": urgency,
            "description": description,
            "caller_name": caller_name,
            "caller_phone": caller_phone,
            "building": building,
            "unit": unit,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
        }
    )
    if not office.is_active:
        # Retired by an administrator (administration pages): its old calls stay.
        raise ValidationError(
            {"office": _("This duty office is retired; take the call in another.")}
        )
    if place_area is not None and not place_area.path.startswith(office.area.path):
        raise ValidationError({"place_area": _("This place is outside the office's area.")})
    every = call_categories(data["category"], also_categories)
    refused = [c for c in every if not office.takes(c)]
    if refused:
        field = "category" if refused[0] == data["category"] else "also_categories"
        raise ValidationError(
            {
                field: _(
                    "This duty room does not take calls about %(category)s; it takes: %(taken)s."
                )
                % {
                    "category": CallCategory(refused[0]).label,
                    "taken": ", ".join(
                        str(CallCategory(c).label)
                        for c in office.category_list
                        if c in CallCategory.values
                    ),
                }
            }
        )
    data["category"] = every[0]
    data["categories"] = "," + ",".join(every) + ","
    if any(c in LIFE_SAFETY for c in every):
        data["urgency"] = Urgency.IMMEDIATE
    if caller_resident is not None:
        data["caller_name"] = data["caller_name"] or caller_resident.name
        data["caller_phone"] = data["caller_phone"] or caller_resident.phone
    now = timezone.now()
    dues = [service_level_due(category=c, start=now) for c in every]
    ack, arrive, resolve = (min(d[i] for d in dues) for i in range(3))
    call = Call.objects.create(
        office=office,
        source=source,
        received_at=now,
        taken_by=actor,
        caller_kind=CallerKind.RESIDENT if caller_resident is not None else CallerKind.PUBLIC,
        caller_resident=caller_resident,
        place_area=place_area,
        cycle_started_at=now,
        acknowledge_due_at=ack,
        arrive_due_at=arrive,
        resolve_due_at=resolve,
        contact_email=contact_email or "",
        client_id=client_id if actor is not None else None,
        **data,
    )
    # Every life-safety category's steps, the leading one's first, each code once.
    codes = dict.fromkeys(code for c in every for code, _label in SAFETY_STEPS.get(c, []))
    SafetyStep.objects.bulk_create(
        [SafetyStep(call=call, code=code, order=i) for i, code in enumerate(codes)]
    )
    event_add(call=call, kind=CallEventKind.TAKEN, actor=actor, at=now, detail={"source": source})
    audit(actor, action=AuditAction.CREATE, object_type="call", pk=call.pk, channel=channel)
    return call


def _locked(call: Call, *statuses: str, refused) -> Call:
    fresh = Call.objects.select_for_update().get(pk=call.pk)
    if statuses and fresh.status not in statuses:
        raise ValidationError({"status": str(refused)})
    return fresh


def _bump(call: Call, **fields) -> None:
    fields["version"] = F("version") + 1
    fields["updated_at"] = timezone.now()
    Call.objects.filter(pk=call.pk).update(**fields)
    call.refresh_from_db()


@transaction.atomic
def safety_step_done(*, actor, call: Call, code: str, channel: str) -> SafetyStep:
    require_role(actor, DUTY_ROLES)
    step = SafetyStep.objects.select_for_update().filter(call=call, code=code).first()
    if step is None:
        raise ValidationError({"code": _("This step is not on the call's check-list.")})
    if step.done_at is None:
        step.done_at = timezone.now()
        step.done_by = actor
        step.save(update_fields=["done_at", "done_by"])
        event_add(
            call=call,
            kind=CallEventKind.SAFETY_STEP,
            actor=actor,
            at=step.done_at,
            note=safety_step_label(call.category, code),
            detail={"code": code},
        )
        audit(actor, action=AuditAction.UPDATE, object_type="call", pk=call.pk, channel=channel)
    return step


_DISPATCHABLE = (
    CallStatus.NEW,
    CallStatus.REOPENED,
    CallStatus.DISPATCHED,
    CallStatus.ACKNOWLEDGED,
    CallStatus.ON_SCENE,
)


@transaction.atomic
def call_dispatch(
    *, actor, call: Call, responder: Responder, note: str = "", channel: str
) -> Dispatch:
    """Send the call to a responder of the call's office that handles its category. A
    call may be sent to several (the lift company and the property company)."""
    require_role(actor, DUTY_ROLES)
    if responder is None or responder.office_id != call.office_id or not responder.is_active:
        raise ValidationError({"responder": _("Choose a responder of this office.")})
    if responder.category_list and not set(call.category_list) & set(responder.category_list):
        raise ValidationError({"responder": _("This responder does not handle this category.")})
    call = _locked(
        call, *_DISPATCHABLE, refused=_("A closed or resolved call cannot be dispatched.")
    )
    now = timezone.now()
    dispatch = Dispatch.objects.create(
        call=call,
        responder=responder,
        cycle=call.cycle,
        note=(note or "")[:200],
        dispatched_at=now,
        dispatched_by=actor,
    )
    if call.status in (CallStatus.NEW, CallStatus.REOPENED):
        _bump(call, status=CallStatus.DISPATCHED)
    event_add(
        call=call,
        kind=CallEventKind.DISPATCHED,
        actor=actor,
        at=now,
        note=responder.name,
        detail={"dispatch": dispatch.pk, "responder": responder.pk},
    )
    audit(actor, action=AuditAction.UPDATE, object_type="call", pk=call.pk, channel=channel)
    return dispatch


# step → (dispatch statuses it follows, new dispatch status, time field, call status,
#         event kind, message when refused)
_STEPS = {
    "acknowledge": (
        (DispatchStatus.SENT,),
        DispatchStatus.ACKNOWLEDGED,
        "acknowledged_at",
        CallStatus.ACKNOWLEDGED,
        CallEventKind.ACKNOWLEDGED,
        gettext_lazy("Only a dispatch just sent can be acknowledged."),
    ),
    "arrive": (
        (DispatchStatus.SENT, DispatchStatus.ACKNOWLEDGED),
        DispatchStatus.ARRIVED,
        "arrived_at",
        CallStatus.ON_SCENE,
        CallEventKind.ARRIVED,
        gettext_lazy("The responder has already arrived or finished."),
    ),
    "resolve": (
        (DispatchStatus.ARRIVED,),
        DispatchStatus.RESOLVED,
        "resolved_at",
        CallStatus.RESOLVED,
        CallEventKind.RESOLVED,
        gettext_lazy("Record the arrival before resolving."),
    ),
}
_CALL_ORDER = [
    CallStatus.NEW,
    CallStatus.REOPENED,
    CallStatus.DISPATCHED,
    CallStatus.ACKNOWLEDGED,
    CallStatus.ON_SCENE,
    CallStatus.RESOLVED,
]
DISPATCH_STEPS = tuple(_STEPS)


def may_act_for(user, responder: Responder) -> bool:
    return bool(
        user.is_active
        and (user.role in DUTY_ROLES or responder.members.filter(pk=user.pk).exists())
    )


@transaction.atomic
def dispatch_step(
    *, actor, dispatch: Dispatch, step: str, note: str = "", channel: str
) -> Dispatch:
    """The responder (or the officer, after the responder phoned) records a step. The
    call follows its most advanced dispatch; arriving implies acknowledging."""
    if step not in _STEPS:
        raise ValidationError({"step": _("Choose acknowledge, arrive or resolve.")})
    if not may_act_for(actor, dispatch.responder):
        raise PermissionDenied(_("Your role does not allow this."))
    sources, target, time_field, call_status, kind, refused = _STEPS[step]
    call = _locked(dispatch.call, refused="")
    if call.status == CallStatus.CLOSED:
        raise ValidationError({"status": _("This call is closed.")})
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if dispatch.status not in sources or dispatch.cycle != call.cycle:
        raise ValidationError({"step": str(refused)})
    now = timezone.now()
    setattr(dispatch, time_field, now)
    if step == "arrive" and dispatch.acknowledged_at is None:
        dispatch.acknowledged_at = now
    dispatch.status = target
    dispatch.save()
    if _CALL_ORDER.index(call_status) > _CALL_ORDER.index(call.status):
        _bump(call, status=call_status)
    event_add(
        call=call,
        kind=kind,
        actor=actor,
        at=now,
        note=note or dispatch.responder.name,
        detail={"dispatch": dispatch.pk},
    )
    audit(actor, action=AuditAction.UPDATE, object_type="call", pk=call.pk, channel=channel)
    return dispatch


class CallbackOutcome:
    CONFIRMED = "confirmed"
    NOT_FIXED = "not_fixed"
    NO_ANSWER = "no_answer"
    ALL = ("confirmed", "not_fixed", "no_answer")


@transaction.atomic
def call_callback(*, actor, call: Call, outcome: str, note: str = "", channel: str) -> Call:
    """The officer calls the caller back: confirmed closes the call, not fixed reopens
    it, no answer is noted (try again later)."""
    require_role(actor, DUTY_ROLES)
    if outcome not in CallbackOutcome.ALL:
        raise ValidationError({"outcome": _("Choose confirmed, not fixed or no answer.")})
    call = _locked(
        call, CallStatus.RESOLVED, refused=_("Call back once the responder has resolved the call.")
    )
    now = timezone.now()
    event_add(
        call=call,
        kind=CallEventKind.CALLED_BACK,
        actor=actor,
        at=now,
        note=note,
        detail={"outcome": outcome},
    )
    if outcome == CallbackOutcome.CONFIRMED:
        _bump(call, status=CallStatus.CLOSED, closed_at=now, public_note=(note or "")[:200])
        event_add(call=call, kind=CallEventKind.CLOSED, actor=actor, at=now)
    elif outcome == CallbackOutcome.NOT_FIXED:
        _reopen(call, actor=actor, now=now, note=note)
    audit(actor, action=AuditAction.UPDATE, object_type="call", pk=call.pk, channel=channel)
    return call


def _reopen(call: Call, *, actor, now, note: str) -> None:
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the call is reopened.")})
    dues = [service_level_due(category=c, start=now) for c in call.category_list]
    ack, arrive, resolve = (min(d[i] for d in dues) for i in range(3))
    _bump(
        call,
        status=CallStatus.REOPENED,
        cycle=F("cycle") + 1,
        cycle_started_at=now,
        acknowledge_due_at=ack,
        arrive_due_at=arrive,
        resolve_due_at=resolve,
        escalated=False,
        closed_at=None,
    )
    event_add(call=call, kind=CallEventKind.REOPENED, actor=actor, at=now, note=note)


@transaction.atomic
def call_reopen(*, actor, call: Call, note: str, channel: str) -> Call:
    require_role(actor, DUTY_ROLES)
    call = _locked(
        call,
        CallStatus.RESOLVED,
        CallStatus.CLOSED,
        refused=_("Only a resolved or closed call can be reopened."),
    )
    _reopen(call, actor=actor, now=timezone.now(), note=note)
    audit(actor, action=AuditAction.UPDATE, object_type="call", pk=call.pk, channel=channel)
    return call


# What a call's category becomes on a household's case.
NEED_CATEGORY = {
    CallCategory.PERSON_IN_DANGER: "elderly_care",
    CallCategory.WATER: "housing",
    CallCategory.POWER: "housing",
    CallCategory.GAS: "housing",
    CallCategory.LIFT_ENTRAPMENT: "housing",
    CallCategory.FIRE_HAZARD: "housing",
}


@transaction.atomic
def call_open_need(*, actor, call: Call, household, title: str, category: str = "", channel: str):
    """The call revealed a need of a household: open it on the case through casework's
    own service. `household` comes from casework.selectors (the actor's reach)."""
    from doorstep.casework.models import Urgency as NeedUrgency
    from doorstep.casework.services import need_open

    call = _locked(call, refused="")
    if call.need_id is not None:
        raise ValidationError({"need": _("This call already opened a need.")})
    need = need_open(
        actor=actor,
        household=household,
        category=category or NEED_CATEGORY.get(call.category, "other"),
        title=title,
        urgency=NeedUrgency.HIGH if call.urgency == Urgency.IMMEDIATE else NeedUrgency.NORMAL,
        description=call.description,
        channel=channel,
    )
    _bump(call, need=need)
    event_add(
        call=call,
        kind=CallEventKind.NEED_OPENED,
        actor=actor,
        note=need.title,
        detail={"need": need.pk},
    )
    audit(actor, action=AuditAction.UPDATE, object_type="call", pk=call.pk, channel=channel)
    return need
