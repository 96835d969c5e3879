"""What a signed-in resident may read: their own household and nothing else.

Every function takes the resident from the portal session; a need or record of any
other household answers 404 (it is filtered by the resident's household id, never
looked up first). Reads of the household's record are audited with the resident as
the actor (AuditEvent.by_resident_id), like every other read of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.accounts.models import Role
from doorstep.casework.models import Contact, Feedback, Need, NeedEvent, Pairing
from doorstep.privacy.models import AuditAction, AuditEvent
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household, HouseholdVulnerability, Resident

# Whose name a resident sees in "who opened my record": the staff who work with them.
# Everyone else appears by role (a supervisor, an administrator), as the data
# inventory says of accounts.User.first_name/last_name.
NAMED_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER})
OPENINGS_SHOWN = 50
CONTACTS_SHOWN = 30


def _audit(resident: Resident, *, object_type: str, pk, channel: str) -> None:
    audit_record(
        actor=None,
        by_resident_id=resident.pk,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=pk,
        household_id=resident.household_id,
        channel=channel,
    )


def own_household(resident: Resident, *, channel: str) -> Household:
    household = (
        Household.objects.select_related("area")
        .prefetch_related(
            Prefetch("residents", queryset=Resident.objects.order_by("id")),
            Prefetch(
                "vulnerabilities", queryset=HouseholdVulnerability.objects.order_by("category")
            ),
        )
        .get(pk=resident.household_id)
    )
    _audit(resident, object_type="household", pk=household.pk, channel=channel)
    return household


def own_needs(resident: Resident) -> QuerySet[Need]:
    return (
        Need.objects.filter(household_id=resident.household_id)
        .select_related("owner")
        .prefetch_related(
            Prefetch("events", queryset=NeedEvent.objects.order_by("at", "id")),
            Prefetch("feedback", queryset=Feedback.objects.order_by("cycle")),
        )
        .order_by("-opened_at", "-id")
    )


def own_need(resident: Resident, need_id: int, *, channel: str) -> Need:
    need = own_needs(resident).filter(pk=need_id).first()
    if need is None:
        raise Http404
    _audit(resident, object_type="need", pk=need.pk, channel=channel)
    return need


def own_contacts(resident: Resident) -> list[Contact]:
    return list(
        Contact.objects.filter(household_id=resident.household_id)
        .select_related("worker")
        .order_by("-occurred_at", "-id")[:CONTACTS_SHOWN]
    )


def paired_worker(resident: Resident):
    pairing = (
        Pairing.objects.active()
        .filter(household_id=resident.household_id)
        .select_related("worker")
        .first()
    )
    return pairing.worker if pairing else None


@dataclass(frozen=True)
class Opening:
    at: object
    who: str
    role: str
    action: str
    what: str
    channel: str


# What was opened, as the resident reads it (AuditEvent.object_type; livelihoods
# writes "livelihoods.<model>").
OBJECT_LABELS = {
    "household": gettext_lazy("your household's record"),
    "resident": gettext_lazy("a member of your household"),
    "need": gettext_lazy("a need"),
    "referral": gettext_lazy("a referral to a department"),
    "assistance": gettext_lazy("help given"),
    "feedback": gettext_lazy("your rating"),
    "contact": gettext_lazy("a visit or call"),
    "pairing": gettext_lazy("your paired worker"),
    "consent": gettext_lazy("your consent"),
    "correction_request": gettext_lazy("a correction request"),
    "welfare_check": gettext_lazy("a welfare check"),
    "call": gettext_lazy("a call to the duty room"),
    "livelihoods.placement": gettext_lazy("a job placement"),
    "livelihoods.enrolment": gettext_lazy("a course enrolment"),
    "livelihoods.business": gettext_lazy("a business"),
    "livelihoods.microloan": gettext_lazy("a loan"),
    "livelihoods.jobseeker": gettext_lazy("a job-seeker profile"),
    "livelihoods.incomerecord": gettext_lazy("income"),
    "livelihoods.householdyear": gettext_lazy("income"),
    "livelihoods.incomemonth": gettext_lazy("income"),
    "livelihoods.lifeevent": gettext_lazy("a life event"),
    "livelihoods.relapseflag": gettext_lazy("the relapse watch"),
}
# Automated work (channel "task:<name>") is shown as the system with the task's name.
TASK_LABELS = {
    "livelihoods:relapse_watch": gettext_lazy("relapse watch"),
    "privacy.anonymise_expired": gettext_lazy("anonymisation after the retention period"),
}


def staff_label(user) -> str:
    """How a staff member is named to a resident (NAMED_ROLES by name, others by role)."""
    if user is None:
        return ""
    if user.role in NAMED_ROLES:
        return f"{user.last_name}{user.first_name}".strip() or user.username
    return ""


def _what(object_type: str) -> str:
    label = OBJECT_LABELS.get(object_type)
    return str(label) if label else object_type.rsplit(".", 1)[-1].replace("_", " ")


def _system(channel: str) -> str:
    task = channel.removeprefix("task:")
    return _("Doorstep (automatic: %(task)s)") % {"task": str(TASK_LABELS.get(task, task))}


def record_openings(resident: Resident) -> list[Opening]:
    """Who opened or changed the household's record and what, newest first: staff by
    name or role, automated work as the system with the task's name (the resident's
    own reads and writes are left out)."""
    events = (
        AuditEvent.objects.filter(household_id=resident.household_id)
        .filter(Q(actor__isnull=False) | Q(channel__startswith="task:"))
        .select_related("actor")
        .order_by("-at", "-id")[:OPENINGS_SHOWN]
    )
    roles = dict(Role.choices)
    rows = []
    for event in events:
        if event.channel.startswith("task:"):
            who, role, channel = _system(event.channel), "", ""
        else:
            who = staff_label(event.actor) or str(roles.get(event.actor.role, _("Staff member")))
            role = str(roles.get(event.actor.role, ""))
            channel = _channel_label(event.channel)
        rows.append(
            Opening(
                at=event.at,
                who=who,
                role=role,
                action=event.get_action_display(),
                what=_what(event.object_type),
                channel=channel,
            )
        )
    return rows


def _channel_label(channel: str) -> str:
    if channel.startswith("api:"):
        return _("through the API")
    if channel.startswith("export") or "export" in channel:
        return _("in an export")
    return _("on a page")
