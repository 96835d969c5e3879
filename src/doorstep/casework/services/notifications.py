"""In-app reminders: a referral past its due time reminds the unit's members and the
worker who referred it, once a day each, until it is answered or completed.

The reminder task runs hourly (core.periodic, registered in casework/apps.py); it is
set-based and idempotent: rows are inserted with ON CONFLICT DO NOTHING against the
unique (recipient, referral, kind, day) key, so reruns and parallel runs add nothing.
"Past its due time" means still sent or accepted (not declined or completed) with
`due_at` in the past: the referral_due_open partial index covers exactly that.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doorstep.casework.membership import members_by_unit
from doorstep.casework.models import (
    Notification,
    NotificationKind,
    Referral,
    ReferralStatus,
)

BATCH_SIZE = 2000


def referral_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind everyone concerned by an overdue referral; returns the rows considered."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    overdue = Referral.objects.filter(
        status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED], due_at__lt=now
    ).order_by("pk")
    done = 0
    last_pk = 0
    while True:
        rows = list(
            overdue.filter(pk__gt=last_pk).values_list("pk", "need_id", "unit_id", "created_by_id")[
                :BATCH_SIZE
            ]
        )
        if not rows:
            return done
        members = members_by_unit(r[2] for r in rows)
        notifications = []
        for referral_id, need_id, unit_id, referred_by in rows:
            recipients = set(members.get(unit_id, []))
            if referred_by is not None:
                recipients.add(referred_by)
            notifications += [
                Notification(
                    recipient_id=user_id,
                    kind=NotificationKind.REFERRAL_OVERDUE,
                    need_id=need_id,
                    referral_id=referral_id,
                    day=day,
                    created_at=now,
                )
                for user_id in sorted(recipients)
            ]
        with transaction.atomic():
            Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        done += len(notifications)
        last_pk = rows[-1][0]


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (again: nothing changes)."""
    Notification.objects.filter(pk=notification.pk, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
