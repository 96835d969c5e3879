"""Monitored households' reviews on the paired worker's due list (casework.due_items
hook), and the monitoring panel on the household page (registry.panels hook)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from doorstep.casework.due_items import DueItem
from doorstep.casework.models import Pairing
from doorstep.monitoring.models import HouseholdPoverty, PovertyStatus, Proposal
from doorstep.monitoring.selectors import can_read

SHOW_DAYS_AHEAD = 7


def reviews_due(worker, today: dt.date):
    """Monitored households paired with the worker whose review is due within a week
    (also the casework.due_items probe); None for a caller who has none."""
    if not getattr(worker, "is_authenticated", False) or not worker.is_active:
        return None
    return HouseholdPoverty.objects.filter(
        status=PovertyStatus.MONITORED,
        next_review_on__lte=today + dt.timedelta(days=SHOW_DAYS_AHEAD),
        household_id__in=Pairing.objects.active().filter(worker=worker).values("household_id"),
    )


def monitoring_reviews(worker, today: dt.date) -> list[DueItem]:
    """One query: monitored households paired with the worker whose review is due."""
    due = reviews_due(worker, today)
    if due is None:
        return []
    rows = due.select_related("household").order_by("next_review_on", "household_id")
    return [
        DueItem(
            kind="monitoring_review",
            label=_("Monitoring review"),
            due_on=row.next_review_on,
            url=reverse("monitoring:household", args=[row.household_id]),
            household_id=row.household_id,
            household_no=row.household.household_no,
            detail=_("Monitored household: contact it and record the review."),
        )
        for row in rows
    ]


def household_panel(request, household) -> str:
    if not can_read(request.user):
        return ""
    status = HouseholdPoverty.objects.filter(household=household).first()
    open_proposal = (
        Proposal.objects.filter(household=household).order_by("-created_at", "-pk").first()
    )
    return render_to_string(
        "monitoring/_panel.html",
        {"household": household, "status": status, "proposal": open_proposal},
        request=request,
    )
