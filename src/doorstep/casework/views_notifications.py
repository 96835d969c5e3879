"""The notifications page, its mark-as-read buttons, and the unread count that the
navigation loads with htmx (a separate request, so that no other page pays a query
for it and pages without JavaScript still show the link)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from doorstep.casework import selectors, services
from doorstep.core.htmx import fragment

PAGE_LIST_SIZE = 50


@login_required
def notifications(request):
    rows = (
        selectors.notifications_for(request.user)
        .select_related("need", "referral__unit")
        .order_by("-created_at", "-pk")[:PAGE_LIST_SIZE]
    )
    return render(request, "casework/notifications.html", {"notifications": rows})


@fragment
@login_required
def notification_count(request):
    return render(
        request,
        "casework/_notification_count.html",
        {"count": selectors.unread_notification_count(request.user)},
    )


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = selectors.notification_for(request.user, notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect("casework:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("casework:notifications")
