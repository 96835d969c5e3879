"""Every casework write. Pages, the API and tasks call these; see each module's docstring
for its rules. Split by feature so each module reads in one sitting."""

from doorstep.casework.services.common import NeedConflict
from doorstep.casework.services.contacts import contact_log
from doorstep.casework.services.escalation import needs_escalate
from doorstep.casework.services.needs import (
    NeedAction,
    allowed_actions,
    need_acknowledge,
    need_add_note,
    need_confirm,
    need_open,
    need_reopen,
    need_resolve,
    need_start,
    need_transition,
    need_update,
)
from doorstep.casework.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    referral_reminders_send,
)
from doorstep.casework.services.pairings import (
    pairing_create,
    pairing_end,
    pairings_bulk_assign,
)
from doorstep.casework.services.referrals import (
    assistance_record,
    assistance_set_status,
    feedback_record,
    referral_accept,
    referral_create,
    referral_decline,
    referral_record_action,
)
from doorstep.casework.services.schedule import (
    schedule_refresh,
    schedules_recompute_all,
    schedules_refresh_area,
    visit_policy_set,
)

__all__ = [
    "NeedAction",
    "NeedConflict",
    "allowed_actions",
    "assistance_record",
    "assistance_set_status",
    "contact_log",
    "feedback_record",
    "need_acknowledge",
    "need_add_note",
    "need_confirm",
    "need_open",
    "need_reopen",
    "need_resolve",
    "need_start",
    "need_transition",
    "need_update",
    "needs_escalate",
    "notification_mark_read",
    "notifications_mark_all_read",
    "pairing_create",
    "pairing_end",
    "pairings_bulk_assign",
    "referral_accept",
    "referral_create",
    "referral_decline",
    "referral_record_action",
    "referral_reminders_send",
    "schedule_refresh",
    "schedules_recompute_all",
    "schedules_refresh_area",
    "visit_policy_set",
]
