"""Monitoring's entries on the household timeline (registry.timeline): changes of the
household's poverty status, each decision of the procedure on a proposal (village,
notice, township, county) and the paired worker's reviews.

Three queries whatever the household's history. The household comes from registry's
household_for (scoped and audited); the gate left is monitoring's own (selectors.
can_read), the one its household and proposal pages apply. Help measures are not
entries of their own: each points at a need, a placement or a loan that is already on
the timeline. Registered in apps.py.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from doorstep.monitoring.models import Review, StatusChange, Step
from doorstep.monitoring.selectors import can_read
from doorstep.registry.timeline import TimelineCursor, TimelineEntry, before_q, day_start


def _status_changes(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "monitoring.status"
    rows = (
        StatusChange.objects.filter(household_id=household.pk)
        .filter(before_q("changed_at", source, before))
        .order_by("-changed_at", "-pk")[:limit]
    )
    entries = []
    for c in rows:
        summary = c.get_status_display()
        if c.monitoring_type:
            summary = _("%(status)s: %(type)s") % {
                "status": summary,
                "type": c.get_monitoring_type_display(),
            }
        entries.append(
            TimelineEntry(
                at=c.changed_at,
                source=source,
                pk=c.pk,
                category="monitoring",
                label=_("Poverty status"),
                summary=summary,
                url=page,
            )
        )
    return entries


def _steps(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "monitoring.step"
    rows = (
        Step.objects.filter(proposal__household_id=household.pk)
        .filter(before_q("at", source, before))
        .select_related("proposal")
        .order_by("-at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=s.at,
            source=source,
            pk=s.pk,
            category="monitoring",
            label=_("Monitoring decision"),
            summary=_("%(proposal)s, %(stage)s: %(decision)s")
            % {
                "proposal": s.proposal.get_kind_display(),
                "stage": s.get_stage_display(),
                "decision": s.get_decision_display(),
            },
            url=reverse("monitoring:proposal", args=[s.proposal_id]),
        )
        for s in rows
    ]


def _reviews(household, before, limit, page: str) -> list[TimelineEntry]:
    source = "monitoring.review"
    rows = (
        Review.objects.filter(household_id=household.pk)
        .filter(before_q("reviewed_on", source, before, dates=True))
        .select_related("reviewed_by")
        .order_by("-reviewed_on", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=day_start(r.reviewed_on),
            source=source,
            pk=r.pk,
            category="monitoring",
            label=_("Monitoring review"),
            summary=(r.reviewed_by.get_full_name() or r.reviewed_by.username)
            if r.reviewed_by
            else "",
            url=page,
        )
        for r in rows
    ]


_KINDS = (_status_changes, _steps, _reviews)


def household_entries(
    viewer, household, before: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    if not can_read(viewer):
        return []
    page = reverse("monitoring:household", args=[household.pk])
    return [entry for kind in _KINDS for entry in kind(household, before, limit, page)]
