"""Delta sync for the field app: one endpoint per caller, bounded pages, one audit event.

A sync starts without a cursor (everything in the caseload) or with the final cursor
of the previous sync (what changed since, plus what entered the caseload, plus the
ids of households that left it, which the phone deletes). Starting a sync writes a
`SyncPoint` and one audit event (an export to the phone, naming the households sent);
the pages that follow read the point and write nothing. Writes do not come through
here: the app sends each one to its ordinary endpoint with the outbox entry's UUID
as the Idempotency-Key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.fieldapp import selectors
from doorstep.fieldapp.models import SyncPoint
from doorstep.insights.rollup import contacts_since_last_run
from doorstep.insights.tasks import refresh_changed_rollups
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record

PAGE_HOUSEHOLDS = 100
# A write committed a moment after the point's time may carry an earlier timestamp
# (taken when its transaction began; writes last milliseconds): the next delta looks
# this far back (cards are replaced whole, so a card sent twice is harmless).
OVERLAP = dt.timedelta(seconds=10)
SYNC_POINT_DAYS = 30
_SIGNER = signing.Signer(salt="doorstep.fieldapp.cursor")


def _cursor(point: SyncPoint, offset: int | None) -> str:
    return _SIGNER.sign(f"{point.pk}.{'done' if offset is None else offset}")


def _read_cursor(user, cursor: str) -> tuple[SyncPoint, int | None]:
    bad = ValidationError(
        {"cursor": _("This cursor is not valid; start again from the first page.")}
    )
    try:
        point_id, _sep, offset = _SIGNER.unsign(cursor).partition(".")
        point = SyncPoint.objects.filter(pk=int(point_id), user=user).first()
        position = None if offset == "done" else int(offset)
    except (signing.BadSignature, ValueError):
        raise bad from None
    if point is None or (position is not None and not 0 <= position <= len(point.send)):
        raise bad
    return point, position


def _start(*, user, previous: SyncPoint | None, channel: str) -> SyncPoint:
    now = timezone.now()
    caseload = selectors.caseload_ids(user)
    if previous is None:
        send, removed = caseload, []
    else:
        kept = set(caseload) & set(previous.caseload)
        changed = selectors.changed_household_ids(sorted(kept), previous.created_at - OVERLAP)
        send = sorted((set(caseload) - set(previous.caseload)) | changed)
        removed = sorted(set(previous.caseload) - set(caseload))
    with transaction.atomic():
        point = SyncPoint.objects.create(
            user=user,
            created_at=now,
            since=previous.created_at if previous else None,
            caseload=caseload,
            send=send,
            removed=removed,
        )
        audit_record(
            actor=user,
            action=AuditAction.EXPORT,
            object_type="field_sync",
            object_id=point.pk,
            channel=channel,
            detail={"households": send, "removed": len(removed), "full": previous is None},
        )
        SyncPoint.objects.filter(
            user=user, created_at__lt=now - dt.timedelta(days=SYNC_POINT_DAYS)
        ).delete()
    if contacts_since_last_run(worker=user) is not None:
        # The app syncs after its outbox has drained: the visits just delivered reach
        # the dashboards in seconds (the task worker), not at the next 15-minute refresh.
        refresh_changed_rollups.enqueue()
    return point


def sync_page(*, user, cursor: str | None, channel: str) -> dict[str, Any]:
    """One page of the caller's sync (see the module's docstring)."""
    if not selectors.may_use_field_app(user):
        raise PermissionDenied(_("The field app is for workers and team leaders."))
    point, offset = (None, None) if not cursor else _read_cursor(user, cursor)
    if point is None or offset is None:
        point, offset = _start(user=user, previous=point, channel=channel), 0
    ids = point.send[offset : offset + PAGE_HOUSEHOLDS]
    end = offset + len(ids)
    more = end < len(point.send)
    return {
        "full": point.since is None,
        "cards": selectors.cards(user, ids),
        "removed": point.removed if offset == 0 else [],
        "total": len(point.send),
        "more": more,
        "cursor": _cursor(point, end if more else None),
        "server_time": point.created_at.isoformat(),
    }
