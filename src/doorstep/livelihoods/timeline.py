"""Livelihoods' entries on the household timeline (registry.timeline): job placements,
training enrolments, businesses and their micro-loans, income records, life events
and relapse-watch flags.

One query per kind of record (seven) whatever the household's history, each newest
first and cut at the page's size. The household comes from registry's household_for
(scoped and audited); the gate left is livelihoods' own (selectors.can_read), the same
one its household page applies, so every entry links to that page or a record in it.
Registered in apps.py.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from doorstep.livelihoods.models import (
    Business,
    Enrolment,
    IncomeRecord,
    LifeEvent,
    MicroLoan,
    Placement,
    RelapseFlag,
)
from doorstep.livelihoods.selectors import can_read
from doorstep.registry.timeline import TimelineCursor, TimelineEntry, before_q, day_start


def _yuan(amount) -> str:
    return number_format(amount, decimal_pos=0, force_grouping=True)


def _placements(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "livelihoods.placement"
    rows = (
        Placement.objects.filter(household_id=household.pk)
        .filter(before_q("started_on", source, before, dates=True))
        .select_related("opening__employer", "seeker__resident")
        .order_by("-started_on", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=day_start(p.started_on),
            source=source,
            pk=p.pk,
            category="help",
            label=_("Job placement"),
            summary=_("%(person)s: %(title)s at %(employer)s, %(wage)s yuan a month")
            % {
                "person": p.seeker.resident.name,
                "title": p.opening.title,
                "employer": p.opening.employer.name,
                "wage": _yuan(p.wage_monthly),
            },
            url=reverse("livelihoods:placement", args=[p.pk]),
        )
        for p in rows
    ]


def _enrolments(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "livelihoods.enrolment"
    rows = (
        Enrolment.objects.filter(household_id=household.pk)
        .filter(before_q("enrolled_on", source, before, dates=True))
        .select_related("session__course", "resident")
        .order_by("-enrolled_on", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=day_start(e.enrolled_on),
            source=source,
            pk=e.pk,
            category="help",
            label=_("Training enrolment"),
            summary=_("%(person)s: %(course)s (%(status)s)")
            % {
                "person": e.resident.name,
                "course": e.session.course.title,
                "status": e.get_status_display(),
            },
            url=page,
        )
        for e in rows
    ]


def _businesses(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "livelihoods.business"
    rows = (
        Business.objects.filter(household_id=household.pk)
        .filter(before_q("started_on", source, before, dates=True))
        .select_related("owner")
        .order_by("-started_on", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=day_start(b.started_on),
            source=source,
            pk=b.pk,
            category="help",
            label=_("Business started"),
            summary=_("%(person)s: %(business)s") % {"person": b.owner.name, "business": b.name},
            url=page,
        )
        for b in rows
    ]


def _loans(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "livelihoods.loan"
    rows = (
        MicroLoan.objects.filter(business__household_id=household.pk)
        .filter(before_q("disbursed_on", source, before, dates=True))
        .select_related("business")
        .order_by("-disbursed_on", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=day_start(loan.disbursed_on),
            source=source,
            pk=loan.pk,
            category="help",
            label=_("Micro-loan"),
            summary=_("%(amount)s yuan from %(bank)s for %(business)s (%(repayment)s)")
            % {
                "amount": _yuan(loan.amount),
                "bank": loan.bank,
                "business": loan.business.name,
                "repayment": loan.get_repayment_display(),
            },
            url=page,
        )
        for loan in rows
    ]


def _income(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "livelihoods.income"
    rows = (
        IncomeRecord.objects.filter(household_id=household.pk)
        .filter(before_q("recorded_at", source, before))
        .order_by("-recorded_at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=r.recorded_at,
            source=source,
            pk=r.pk,
            category="income",
            label=_("Income recorded"),
            summary=_("%(year)s, %(source)s: %(amount)s yuan")
            % {"year": r.year, "source": r.get_source_display(), "amount": _yuan(r.amount)},
            url=page,
        )
        for r in rows
    ]


def _life_events(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "livelihoods.life_event"
    rows = (
        LifeEvent.objects.filter(household_id=household.pk)
        .filter(before_q("occurred_on", source, before, dates=True))
        .order_by("-occurred_on", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=day_start(e.occurred_on),
            source=source,
            pk=e.pk,
            category="flag",
            label=_("Life event"),
            summary=e.get_kind_display(),
            url=page,
        )
        for e in rows
    ]


def _flags(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "livelihoods.flag"
    rows = (
        RelapseFlag.objects.filter(household_id=household.pk)
        .filter(before_q("raised_at", source, before))
        .select_related("rule")
        .order_by("-raised_at", "-pk")[:limit]
    )
    entries = []
    for f in rows:
        if f.status == "cleared":
            summary = _("%(rule)s · cleared: %(reason)s") % {
                "rule": f.rule.get_kind_display(),
                "reason": f.get_clear_reason_display() or "-",
            }
        else:
            summary = _("%(rule)s · open") % {"rule": f.rule.get_kind_display()}
        entries.append(
            TimelineEntry(
                at=f.raised_at,
                source=source,
                pk=f.pk,
                category="flag",
                label=_("Relapse-watch flag"),
                summary=summary,
                url=page,
            )
        )
    return entries


_KINDS = (_placements, _enrolments, _businesses, _loans, _income, _life_events, _flags)


def household_entries(
    viewer, household, before: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    if not can_read(viewer):
        return []
    page = reverse("livelihoods:household", args=[household.pk])
    return [entry for kind in _KINDS for entry in kind(household, before, limit, page)]
