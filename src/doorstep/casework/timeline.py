"""Casework's entries on the household timeline (registry.timeline): visits and calls,
each step of the household's needs (status changes, referrals and the departments'
answers, feedback), and the help given for them.

Three queries whatever the household's history: contacts, need events, assistance,
each newest first and cut at the page's size. Registered in apps.py.

The household comes from registry.selectors.household_for, already scoped to the viewer
and audited; what is left to check here is casework's own gate, the role (the same one
contacts_visible_to and needs_visible_to apply), so the page does not pay the scope's
pairing query once more per kind of record.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from doorstep.casework.models import Assistance, Contact, NeedEvent, NeedEventKind
from doorstep.casework.services.common import CASEWORK_ROLES
from doorstep.registry.timeline import TimelineCursor, TimelineEntry, before_q, day_start

# A field edit says nothing a reader of the household's history needs; help is shown
# from its own record (with the amount), not from the need's "help recorded" line.
_SKIPPED_EVENTS = (NeedEventKind.UPDATED, NeedEventKind.ASSISTANCE)
_REFERRAL_EVENTS = {
    NeedEventKind.REFERRED,
    NeedEventKind.REFERRAL_ACCEPTED,
    NeedEventKind.REFERRAL_DECLINED,
    NeedEventKind.REFERRAL_ACTION,
}
_HELP_EVENTS = {NeedEventKind.HELP_LINKED}


def _contacts(viewer, household, before: TimelineCursor | None, limit: int) -> list:
    source = "casework.contact"
    rows = (
        Contact.objects.filter(household_id=household.pk)
        .filter(before_q("occurred_at", source, before))
        .select_related("worker")
        .order_by("-occurred_at", "-pk")[:limit]
    )
    entries = []
    for c in rows:
        worker = c.worker.get_full_name() or c.worker.username
        if c.met_with:
            summary = _("%(worker)s met %(met)s") % {"worker": worker, "met": c.met_with}
        else:
            summary = worker
        if c.duration_minutes:
            summary = _("%(summary)s, %(minutes)s minutes") % {
                "summary": summary,
                "minutes": c.duration_minutes,
            }
        entries.append(
            TimelineEntry(
                at=c.occurred_at,
                source=source,
                pk=c.pk,
                category="call" if c.kind == "call" else "visit",
                label=c.get_kind_display(),
                summary=summary,
            )
        )
    return entries


def _need_events(viewer, household, before: TimelineCursor | None, limit: int) -> list:
    source = "casework.need_event"
    rows = (
        NeedEvent.objects.filter(need__household_id=household.pk)
        .exclude(kind__in=_SKIPPED_EVENTS)
        .filter(before_q("at", source, before))
        .select_related("need", "referral__unit")
        .order_by("-at", "-pk")[:limit]
    )
    entries = []
    for e in rows:
        if e.kind in _REFERRAL_EVENTS:
            category = "referral"
        elif e.kind in _HELP_EVENTS:
            category = "help"
        else:
            category = "need"
        summary = e.need.title
        if e.referral_id is not None:
            summary = _("%(title)s, referred to %(unit)s") % {
                "title": summary,
                "unit": e.referral.unit.name,
            }
        entries.append(
            TimelineEntry(
                at=e.at,
                source=source,
                pk=e.pk,
                category=category,
                label=e.get_kind_display(),
                summary=summary,
                url=reverse("casework:need", args=[e.need_id]),
            )
        )
    return entries


def _assistance(viewer, household, before: TimelineCursor | None, limit: int) -> list:
    source = "casework.assistance"
    rows = (
        Assistance.objects.filter(need__household_id=household.pk)
        .filter(before_q("given_on", source, before, dates=True))
        .select_related("need")
        .order_by("-given_on", "-pk")[:limit]
    )
    entries = []
    for a in rows:
        what = a.get_benefit_type_display() or a.get_material_type_display()
        if a.amount is not None:
            what = _("%(what)s, %(amount)s yuan") % {
                "what": what,
                "amount": number_format(a.amount, decimal_pos=0, force_grouping=True),
            }
        entries.append(
            TimelineEntry(
                at=day_start(a.given_on),
                source=source,
                pk=a.pk,
                category="help",
                label=a.get_kind_display(),
                summary=_("%(what)s (for: %(title)s)") % {"what": what, "title": a.need.title},
                url=reverse("casework:need", args=[a.need_id]),
            )
        )
    return entries


def household_entries(viewer, household, before: TimelineCursor | None, limit: int) -> list:
    if not (viewer.is_active and viewer.role in CASEWORK_ROLES):
        return []
    return [
        *_contacts(viewer, household, before, limit),
        *_need_events(viewer, household, before, limit),
        *_assistance(viewer, household, before, limit),
    ]
