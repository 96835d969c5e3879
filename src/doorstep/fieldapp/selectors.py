"""What a phone may hold: the caller's caseload, what changed in it, and its cards.

The caseload of a worker or team leader is the households they look after: actively
paired with them, scheduled for them (the due list), with a welfare check given to
them, or with a placement they follow; always cut to what `households_visible_to`
lets them read. Nothing else reaches the phone. A card is everything the app shows
offline for one household: members (never a full ID number: the last four
characters only), phone, address, map point, open needs with their timelines, the
last contacts, open welfare checks and placement follow-ups of the caller.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.casework.models import (
    Contact,
    ContactSchedule,
    Need,
    NeedEvent,
    NeedStatus,
    Pairing,
    WelfareCheck,
    WelfareCheckStatus,
    WelfareRound,
    WelfareRoundStatus,
)
from doorstep.casework.services import allowed_actions
from doorstep.casework.services.welfare import round_questions
from doorstep.core.texts import render_text
from doorstep.registry.models import Household, HouseholdVulnerability, Resident
from doorstep.registry.selectors import households_visible_to

FIELD_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER})
LAST_CONTACTS = 5
EVENTS_PER_NEED = 5
# Resolved needs stay on the card this long (the worker may be asked about them).
RESOLVED_DAYS = 30
OPEN_CHECK = (WelfareCheckStatus.PENDING, WelfareCheckStatus.NOT_REACHED)
UNRESOLVED = (
    NeedStatus.OPEN,
    NeedStatus.ACKNOWLEDGED,
    NeedStatus.IN_PROGRESS,
    NeedStatus.REOPENED,
)


def may_use_field_app(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role in FIELD_ROLES
    )


def _follow_up_model():
    try:
        from doorstep.livelihoods.models import Placement, PlacementFollowUp, PlacementStatus
    except ImportError:  # livelihoods not installed
        return None
    return Placement, PlacementFollowUp, PlacementStatus


def caseload_ids(user) -> list[int]:
    """The caller's households, sorted (a sync pages through them in this order)."""
    if not may_use_field_app(user):
        return []
    ids: set[int] = set(
        Pairing.objects.active().filter(worker=user).values_list("household_id", flat=True)
    )
    ids.update(ContactSchedule.objects.filter(worker=user).values_list("household_id", flat=True))
    ids.update(
        WelfareCheck.objects.filter(
            worker=user,
            status__in=OPEN_CHECK,
            round__status=WelfareRoundStatus.OPEN,
        ).values_list("household_id", flat=True)
    )
    models = _follow_up_model()
    if models is not None:
        placement, _follow_up, status = models
        ids.update(
            placement.objects.filter(worker=user, status=status.ACTIVE).values_list(
                "household_id", flat=True
            )
        )
    if not ids:
        return []
    return sorted(
        households_visible_to(user)
        .filter(pk__in=ids, anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )


def changed_household_ids(ids: list[int], since: dt.datetime) -> set[int]:
    """Households of `ids` with anything on their card written after `since`: one
    indexed query per kind, whatever the caseload."""
    changed: set[int] = set()
    if not ids:
        return changed
    changed.update(
        Household.objects.filter(pk__in=ids, updated_at__gt=since).values_list("pk", flat=True)
    )
    for model, column in (
        (Resident, "updated_at"),
        (Need, "updated_at"),
        (Contact, "created_at"),
        (ContactSchedule, "updated_at"),
    ):
        changed.update(
            model.objects.filter(household_id__in=ids, **{f"{column}__gt": since}).values_list(
                "household_id", flat=True
            )
        )
    changed.update(
        NeedEvent.objects.filter(need__household_id__in=ids, at__gt=since).values_list(
            "need__household_id", flat=True
        )
    )
    # Checks carry no change time: a new round, a recorded check, a version moved.
    changed.update(
        WelfareCheck.objects.filter(household_id__in=ids)
        .filter(
            Q(checked_at__gt=since)
            | Q(round__created_at__gt=since)
            | Q(round__closed_at__gt=since)
            | Q(version__gt=1, round__status=WelfareRoundStatus.OPEN)
        )
        .values_list("household_id", flat=True)
    )
    models = _follow_up_model()
    if models is not None:
        placement, follow_up, _status = models
        changed.update(
            placement.objects.filter(household_id__in=ids, created_at__gt=since).values_list(
                "household_id", flat=True
            )
        )
        changed.update(
            follow_up.objects.filter(
                placement__household_id__in=ids, done_on__gte=since.date()
            ).values_list("placement__household_id", flat=True)
        )
    return changed


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _id_tail(id_number: str) -> str:
    # Never a full ID number on a phone: enough to tell two members apart.
    return id_number[-4:] if id_number else ""


def cards(user, ids: list[int]) -> list[dict[str, Any]]:
    """The cards of `ids` (already cut to the caller's caseload), in a fixed number of
    queries whatever their count."""
    if not ids:
        return []
    now = timezone.now()
    by_id: dict[int, dict[str, Any]] = {}
    for h in (
        Household.objects.filter(pk__in=ids)
        .select_related("area")
        .only(
            "pk",
            "household_no",
            "address",
            "phone",
            "latitude",
            "longitude",
            "version",
            "area__name",
        )
        .order_by("pk")
    ):
        by_id[h.pk] = {
            "id": h.pk,
            "no": h.household_no,
            "address": h.address,
            "phone": h.phone,
            "lat": h.latitude,
            "lon": h.longitude,
            "area": h.area.name,
            "version": h.version,
            "vulnerabilities": [],
            "schedule": None,
            "members": [],
            "needs": [],
            "contacts": [],
            "checks": [],
            "follow_ups": [],
        }
    for hid, category in HouseholdVulnerability.objects.filter(household_id__in=ids).values_list(
        "household_id", "category"
    ):
        by_id[hid]["vulnerabilities"].append(category)
    for s in ContactSchedule.objects.filter(household_id__in=ids).values(
        "household_id", "next_due_on", "last_contact_at", "interval_days", "worker_id"
    ):
        by_id[s["household_id"]]["schedule"] = {
            "next_due_on": _iso(s["next_due_on"]),
            "last_contact_at": _iso(s["last_contact_at"]),
            "interval_days": s["interval_days"],
            "mine": s["worker_id"] == user.pk,
        }
    for r in (
        Resident.objects.filter(household_id__in=ids)
        .values(
            "pk", "household_id", "name", "sex", "birth_date", "relationship", "phone", "id_number"
        )
        .order_by("household_id", "pk")
    ):
        by_id[r["household_id"]]["members"].append(
            {
                "id": r["pk"],
                "name": r["name"],
                "sex": r["sex"],
                "birth_year": r["birth_date"].year if r["birth_date"] else None,
                "relationship": r["relationship"],
                "phone": r["phone"],
                "id_tail": _id_tail(r["id_number"]),
            }
        )
    needs = list(
        Need.objects.filter(household_id__in=ids)
        .filter(
            Q(status__in=UNRESOLVED) | Q(resolved_at__gte=now - dt.timedelta(days=RESOLVED_DAYS))
        )
        .order_by("household_id", "opened_at")
    )
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if needs:
        for e in (
            NeedEvent.objects.filter(need_id__in=[n.pk for n in needs])
            .annotate(
                rank=Window(RowNumber(), partition_by=[F("need_id")], order_by=F("at").desc())
            )
            .filter(rank__lte=EVENTS_PER_NEED)
            .values("need_id", "kind", "at", "note", "note_code", "note_params", "to_status")
            .order_by("need_id", "at")
        ):
            note = render_text(e["note_code"], e["note_params"], e["note"])
            events[e["need_id"]].append(
                {"kind": e["kind"], "at": _iso(e["at"]), "note": note, "to": e["to_status"]}
            )
    for n in needs:
        by_id[n.household_id]["needs"].append(
            {
                "id": n.pk,
                "category": n.category,
                "urgency": n.urgency,
                "status": n.status,
                "title": n.shown_title,
                "description": n.shown_description,
                "opened_at": _iso(n.opened_at),
                "acknowledge_due_at": _iso(n.acknowledge_due_at),
                "resolve_due_at": _iso(n.resolve_due_at),
                "resolved_at": _iso(n.resolved_at),
                "version": n.version,
                "actions": allowed_actions(n),
                "timeline": events.get(n.pk, []),
            }
        )
    for c in (
        Contact.objects.filter(household_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("household_id")], order_by=F("occurred_at").desc()
            )
        )
        .filter(rank__lte=LAST_CONTACTS)
        .values(
            "pk",
            "household_id",
            "kind",
            "occurred_at",
            "ended_at",
            "duration_minutes",
            "met_with",
            "notes",
            "worker__first_name",
            "worker__username",
        )
        .order_by("household_id", "-occurred_at")
    ):
        by_id[c["household_id"]]["contacts"].append(
            {
                "id": c["pk"],
                "kind": c["kind"],
                "at": _iso(c["occurred_at"]),
                "until": _iso(c["ended_at"]),
                "minutes": c["duration_minutes"],
                "met_with": c["met_with"],
                "notes": c["notes"],
                "by": c["worker__first_name"] or c["worker__username"],
            }
        )
    rounds: dict[int, list[dict[str, str]]] = {}
    for check in (
        WelfareCheck.objects.filter(
            household_id__in=ids,
            worker=user,
            status__in=OPEN_CHECK,
            round__status=WelfareRoundStatus.OPEN,
        )
        .select_related("round", "resident")
        .order_by("household_id", "round__ends_on", "pk")
    ):
        if check.round_id not in rounds:
            rounds[check.round_id] = _questions(check.round)
        by_id[check.household_id]["checks"].append(
            {
                "id": check.pk,
                "round": check.round.name,
                "deadline": _iso(check.round.ends_on),
                "resident": check.resident.name,
                "status": check.status,
                "attempts": check.attempts,
                "questions": rounds[check.round_id],
                "version": check.version,
            }
        )
    models = _follow_up_model()
    if models is not None:
        _placement, follow_up, status = models
        for f in (
            follow_up.objects.filter(
                placement__household_id__in=ids,
                placement__status=status.ACTIVE,
                done_on__isnull=True,
            )
            .filter(Q(placement__worker=user) | Q(placement__household_id__in=_paired(user, ids)))
            .values(
                "pk",
                "month",
                "due_on",
                "placement__household_id",
                "placement__seeker__resident__name",
                "placement__opening__title",
                "placement__opening__employer__name",
            )
            .order_by("placement__household_id", "due_on")
        ):
            by_id[f["placement__household_id"]]["follow_ups"].append(
                {
                    "id": f["pk"],
                    "month": f["month"],
                    "due_on": _iso(f["due_on"]),
                    "resident": f["placement__seeker__resident__name"],
                    "job": f["placement__opening__title"],
                    "employer": f["placement__opening__employer__name"],
                }
            )
    return [by_id[i] for i in ids if i in by_id]


def _paired(user, ids: list[int]) -> list[int]:
    return list(
        Pairing.objects.active()
        .filter(worker=user, household_id__in=ids)
        .values_list("household_id", flat=True)
    )


def _questions(welfare_round: WelfareRound) -> list[dict[str, str]]:
    return [{"key": q.key, "label": str(q.label)} for q in round_questions(welfare_round)]
