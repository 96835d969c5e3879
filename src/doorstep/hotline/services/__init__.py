"""Every hotline write. Pages, the API, Open311 and tasks call these; see each module's
docstring for its rules."""

from doorstep.hotline.services.calls import (
    SAFETY_STEPS,
    CallbackOutcome,
    call_callback,
    call_dispatch,
    call_open_need,
    call_reopen,
    call_take,
    dispatch_step,
    safety_step_done,
)
from doorstep.hotline.services.escalation import calls_escalate
from doorstep.hotline.services.open311 import open311_key_authenticate, open311_key_create
from doorstep.hotline.services.patrols import (
    hazard_record,
    hazard_resolve,
    hazard_to_call,
    patrol_end,
    patrol_start,
)
from doorstep.hotline.services.responders import responder_contacts_set
from doorstep.hotline.services.rosters import (
    Gap,
    coverage_gaps,
    holiday_roster_plan,
    on_duty_now,
    shift_plan,
    swap_decide,
    swap_request,
)

__all__ = [
    "SAFETY_STEPS",
    "CallbackOutcome",
    "Gap",
    "call_callback",
    "call_dispatch",
    "call_open_need",
    "call_reopen",
    "call_take",
    "calls_escalate",
    "coverage_gaps",
    "dispatch_step",
    "hazard_record",
    "hazard_resolve",
    "hazard_to_call",
    "holiday_roster_plan",
    "on_duty_now",
    "open311_key_authenticate",
    "open311_key_create",
    "patrol_end",
    "patrol_start",
    "responder_contacts_set",
    "safety_step_done",
    "shift_plan",
    "swap_decide",
    "swap_request",
]
