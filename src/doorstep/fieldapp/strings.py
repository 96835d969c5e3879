"""Every string the field app's JavaScript shows, translated on the server.

The shell page carries them as a JSON block (`json_script`, not executed, so the CSP
allows it); the service worker caches the shell per language, so offline the app
speaks the language it was last opened in. Keys are what app.js asks for.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from doorstep.casework.models import ContactKind, NeedCategory, NeedStatus, Urgency
from doorstep.registry.models import Relationship, Sex, Vulnerability


def catalogue() -> dict:
    return {
        "text": {
            "due": _("Due"),
            "outbox": _("Outbox"),
            "sync_now": _("Sync now"),
            "sign_out": _("Sign out"),
            "offline": _("Offline: what you enter is kept on this phone."),
            "online": _("Online"),
            "waiting": _("Waiting to send: %(n)s"),
            "last_sync": _("Last sync: %(when)s"),
            "never_synced": _("Not synced yet"),
            "syncing": _("Syncing…"),
            "sync_failed": _("Sync failed; trying again in %(s)s s."),
            "pinned": _("Pinned"),
            "overdue": _("Overdue"),
            "this_week": _("This week"),
            "later": _("Later"),
            "nothing_due": _("Nothing is due."),
            "welfare_check": _("Welfare check"),
            "follow_up": _("Placement follow-up after %(months)s month(s)"),
            "deadline": _("Deadline: %(date)s"),
            "due_on": _("Due on %(date)s"),
            "no_date": _("No date"),
            "call": _("Call"),
            "map": _("Map"),
            "members": _("Members"),
            "needs": _("Open needs"),
            "contacts": _("Last contacts"),
            "checks": _("Welfare checks"),
            "follow_ups": _("Placement follow-ups"),
            "none": _("None"),
            "back": _("Back"),
            "log_visit": _("Log a visit or call"),
            "new_need": _("New need"),
            "kind": _("Kind"),
            "when": _("When it happened"),
            "until": _("Until (a stay of several days)"),
            "minutes": _("Duration (minutes)"),
            "met_with": _("Who was met"),
            "notes": _("Notes"),
            "needs_found": _("Needs found"),
            "save": _("Save"),
            "saved_offline": _("Saved. It will be sent when there is a network."),
            "category": _("Category"),
            "urgency": _("Urgency"),
            "title": _("Title"),
            "description": _("Description"),
            "edit_need": _("Change the need"),
            "check_done": _("Reached: record the answers"),
            "check_not_reached": _("Not reached"),
            "answer_yes": _("Fine"),
            "answer_no": _("A problem"),
            "still_employed": _("Still employed"),
            "wage": _("Monthly wage now (yuan)"),
            "record_follow_up": _("Record the follow-up"),
            "status": _("Status"),
            "version": _("Version %(n)s"),
            "waiting_item": _("Waiting"),
            "refused": _("Refused by the server"),
            "conflict": _("Changed by someone else"),
            "retry": _("Try again"),
            "discard": _("Discard"),
            "fix": _("Fix"),
            "outbox_empty": _("Nothing is waiting."),
            "choose_value": _(
                "Both you and someone else changed this field. Which value is right?"
            ),
            "mine": _("Mine: %(value)s"),
            "theirs": _("Theirs: %(value)s"),
            "keep_mine": _("Keep mine"),
            "keep_theirs": _("Keep theirs"),
            "attempts": _("Tries: %(n)s"),
            "id_tail": _("ID …%(tail)s"),
            "born": _("born %(year)s"),
            "stay": _("stay until %(date)s"),
            "by": _("by %(name)s"),
            "wiped": _("The data on this phone was removed after %(days)s days without a sign-in."),
            "sign_in_again": _("Sign in again to sync."),
            "unsent_sign_out": _(
                "%(n)s entries have not been sent yet. Signing out deletes them from this "
                "phone. Sign out anyway?"
            ),
            "household": _("Household"),
            "pending_new": _("Not yet sent"),
            "timeline": _("Timeline"),
            "required": _("This field is required."),
            "future": _("A contact cannot be in the future."),
            "end_before_start": _("The end must come after the start."),
        },
        "choices": {
            "kind": dict(ContactKind.choices),
            "category": dict(NeedCategory.choices),
            "urgency": dict(Urgency.choices),
            "status": dict(NeedStatus.choices),
            "relationship": dict(Relationship.choices),
            "sex": dict(Sex.choices),
            "vulnerability": dict(Vulnerability.choices),
        },
    }
