"""Every livelihoods write. Pages, the API and tasks call these; see each module's
docstring for its rules."""

from doorstep.livelihoods.services.enterprise import (
    business_create,
    cooperative_add_member,
    cooperative_create,
    loan_create,
    loan_set_repayment,
)
from doorstep.livelihoods.services.income import (
    household_year_set,
    income_record_set,
    life_event_record,
)
from doorstep.livelihoods.services.jobs import (
    employer_create,
    follow_up_record,
    opening_close,
    opening_create,
    placement_end,
    proposal_accept,
    proposal_agree,
    proposal_create,
    proposal_decline,
    seeker_save,
    skill_create,
)
from doorstep.livelihoods.services.relapse import (
    flag_clear,
    relapse_evaluate,
    relapse_open_needs,
    relapse_watch_run,
    rule_update,
)
from doorstep.livelihoods.services.training import (
    attendance_record,
    course_create,
    enrolment_complete,
    enrolment_create,
    enrolment_drop,
    enrolment_outcome,
    session_create,
)

__all__ = [
    "attendance_record",
    "business_create",
    "cooperative_add_member",
    "cooperative_create",
    "course_create",
    "employer_create",
    "enrolment_complete",
    "enrolment_create",
    "enrolment_drop",
    "enrolment_outcome",
    "flag_clear",
    "follow_up_record",
    "household_year_set",
    "income_record_set",
    "life_event_record",
    "loan_create",
    "loan_set_repayment",
    "opening_close",
    "opening_create",
    "placement_end",
    "proposal_accept",
    "proposal_agree",
    "proposal_create",
    "proposal_decline",
    "relapse_evaluate",
    "relapse_open_needs",
    "relapse_watch_run",
    "rule_update",
    "seeker_save",
    "session_create",
    "skill_create",
]
