"""A need's life: open → acknowledged → in progress → resolved → confirmed by the
resident, or reopened (and acknowledged again). Every step is a NeedEvent.

Concurrency: every write that changes a need's fields checks and bumps `version` in
one UPDATE ... WHERE version = n, after locking the row. A caller that read an older
version gets NeedConflict with the fields that changed; nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, TextChoices
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.accounts.models import Role
from doorstep.casework.membership import unit_ids_of
from doorstep.casework.models import (
    UNRESOLVED,
    Need,
    NeedCategory,
    NeedEvent,
    NeedEventKind,
    NeedStatus,
    Pairing,
    Referral,
    ReferralStatus,
    ServiceLevel,
    Urgency,
)
from doorstep.casework.services.common import (
    CASEWORK_ROLES,
    NeedConflict,
    replayed,
    require_role,
)
from doorstep.core.texts import Text, stored_columns
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household

# Used only when a service level row is missing (migration 0002 seeds all of them).
FALLBACK_HOURS = {
    Urgency.IMMEDIATE: (4, 72),
    Urgency.HIGH: (24, 14 * 24),
    Urgency.NORMAL: (72, 30 * 24),
}
EDITABLE_FIELDS = ("title", "description", "category", "urgency")
# Compared when a write is refused, to tell the caller what someone else changed.
COMPARED_FIELDS = ("status", "title", "description", "category", "urgency")


class NeedAction(TextChoices):
    ACKNOWLEDGE = "acknowledge", gettext_lazy("Acknowledge")
    START = "start", gettext_lazy("Start work")
    RESOLVE = "resolve", gettext_lazy("Resolve")
    CONFIRM = "confirm", gettext_lazy("Confirmed by the resident")
    REOPEN = "reopen", gettext_lazy("Reopen")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    event: str
    refused: Promise  # said when the need is in none of `sources`
    roles: frozenset[str]
    note_required: bool = False


# Responders move a need referred to their unit along (start, resolve), nothing else.
_WITH_RESPONDERS = CASEWORK_ROLES | {Role.RESPONDER}

TRANSITIONS: dict[str, Transition] = {
    NeedAction.ACKNOWLEDGE: Transition(
        frozenset({NeedStatus.OPEN, NeedStatus.REOPENED}),
        NeedStatus.ACKNOWLEDGED,
        NeedEventKind.ACKNOWLEDGED,
        gettext_lazy("Only an open or reopened need can be acknowledged."),
        CASEWORK_ROLES,
    ),
    NeedAction.START: Transition(
        frozenset({NeedStatus.ACKNOWLEDGED}),
        NeedStatus.IN_PROGRESS,
        NeedEventKind.STARTED,
        gettext_lazy("Work can start only on an acknowledged need."),
        _WITH_RESPONDERS,
    ),
    NeedAction.RESOLVE: Transition(
        frozenset({NeedStatus.IN_PROGRESS}),
        NeedStatus.RESOLVED,
        NeedEventKind.RESOLVED,
        gettext_lazy("Only a need in progress can be resolved."),
        _WITH_RESPONDERS,
    ),
    NeedAction.CONFIRM: Transition(
        frozenset({NeedStatus.RESOLVED}),
        NeedStatus.CONFIRMED,
        NeedEventKind.CONFIRMED,
        gettext_lazy("Only a resolved need can be confirmed by the resident."),
        CASEWORK_ROLES,
    ),
    NeedAction.REOPEN: Transition(
        frozenset({NeedStatus.RESOLVED}),
        NeedStatus.REOPENED,
        NeedEventKind.REOPENED,
        gettext_lazy("Only a resolved need can be reopened."),
        CASEWORK_ROLES,
        note_required=True,
    ),
}


def allowed_actions(need: Need) -> list[str]:
    """The actions the need's status allows (the page shows these as buttons)."""
    return [action for action, t in TRANSITIONS.items() if need.status in t.sources]


def service_level_due(
    *, category: str, urgency: str, start: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    level = ServiceLevel.objects.filter(category=category, urgency=urgency).first()
    ack, resolve = (
        (level.acknowledge_hours, level.resolve_hours) if level else FALLBACK_HOURS[urgency]
    )
    return start + dt.timedelta(hours=ack), start + dt.timedelta(hours=resolve)


def responder_unit_ids(user) -> list[int]:
    """The units whose referrals a responder answers (several: casework.membership)."""
    if user.role != Role.RESPONDER:
        return []
    return unit_ids_of(user)


def _check_responder_reach(actor, need: Need) -> None:
    """A responder acts only on needs referred to their unit and not declined."""
    if actor.role != Role.RESPONDER:
        return
    if not Referral.objects.filter(
        need=need,
        unit_id__in=responder_unit_ids(actor),
        status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED],
    ).exists():
        raise PermissionDenied(_("Accept the referral before working on this need."))


def event_add(
    *,
    need: Need,
    kind: str,
    actor,
    at: dt.datetime | None = None,
    note: str | Text = "",
    from_status: str = "",
    to_status: str = "",
    referral: Referral | None = None,
    detail: dict | None = None,
    client_id=None,
) -> NeedEvent:
    return NeedEvent.objects.create(
        need=need,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
        **stored_columns("note", note),
        from_status=from_status,
        to_status=to_status,
        referral=referral,
        detail=detail or {},
        client_id=client_id,
    )


def _audit(actor, need: Need, action: str, channel: str, detail: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="need",
        object_id=need.pk,
        household_id=need.household_id,
        channel=channel,
        detail=detail,
    )


def _validate_fields(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    errors = {}
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            errors["title"] = _("Say in a few words what the need is.")
        elif len(data["title"]) > 200:
            errors["title"] = _("Keep the title under 200 characters.")
    if "description" in data:
        data["description"] = (data["description"] or "").strip()
    if "category" in data and data["category"] not in NeedCategory.values:
        errors["category"] = _("Choose a category from the list.")
    if "urgency" in data and data["urgency"] not in Urgency.values:
        errors["urgency"] = _("Choose an urgency from the list.")
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def need_open(
    *,
    actor,
    household: Household,
    category: str,
    title: str | Text,
    urgency: str = Urgency.NORMAL,
    description: str | Text = "",
    client_id=None,
    channel: str,
) -> Need:
    """`household` comes from casework.selectors. The need is followed by the actor if
    they are a worker, else by the household's paired worker, else by the actor.
    A title or description Doorstep writes is a core.texts.Text (kept as a code)."""
    require_role(actor, CASEWORK_ROLES)
    if (earlier := replayed(Need, client_id=client_id, opened_by=actor)) is not None:
        return earlier
    codes = {**stored_columns("title", title, 200), **stored_columns("description", description)}
    data = _validate_fields(
        {
            "category": category,
            "title": codes.pop("title"),
            "urgency": urgency,
            "description": codes.pop("description"),
        }
    )
    now = timezone.now()
    owner_id = actor.pk
    if actor.role != Role.WORKER:
        owner_id = (
            Pairing.objects.active()
            .filter(household=household)
            .values_list("worker_id", flat=True)
            .first()
        ) or actor.pk
    ack_due, resolve_due = service_level_due(
        category=data["category"], urgency=data["urgency"], start=now
    )
    need = Need.objects.create(
        household=household,
        opened_by=actor,
        owner_id=owner_id,
        opened_at=now,
        cycle_started_at=now,
        acknowledge_due_at=ack_due,
        resolve_due_at=resolve_due,
        client_id=client_id,
        **data,
        **codes,
    )
    event_add(need=need, kind=NeedEventKind.OPENED, actor=actor, at=now, to_status=need.status)
    _audit(actor, need, AuditAction.CREATE, channel)
    return need


def changes_since(need_id: int, version: int) -> list[str]:
    """Fields changed by the writes after `version`, read from the timeline (every
    versioned write records its version there). An API client cannot hold the need it
    read across calls, so this, not a comparison in memory, says what changed."""
    fields: set[str] = set()
    for kind, detail in NeedEvent.objects.filter(
        need_id=need_id, detail__version__gt=version
    ).values_list("kind", "detail"):
        fields.update(detail.get("fields", []) if kind == NeedEventKind.UPDATED else ["status"])
    return sorted(fields)


def _conflict(seen: Need, current: Need, since: int) -> NeedConflict:
    in_memory = {f for f in COMPARED_FIELDS if getattr(seen, f) != getattr(current, f)}
    return NeedConflict(
        current=current, changed_fields=sorted(in_memory | set(changes_since(current.pk, since)))
    )


def _lock_and_check(need: Need, expected_version: int | None) -> Need:
    current = Need.objects.select_for_update().get(pk=need.pk)
    if expected_version is not None and current.version != expected_version:
        raise _conflict(need, current, expected_version)
    return current


def _write(current: Need, seen: Need, **columns: Any) -> int:
    """The one UPDATE every need write goes through; returns the new version. The
    version guard is what makes the check safe on SQLite too, where SELECT ... FOR
    UPDATE is a no-op."""
    updated = Need.objects.filter(pk=current.pk, version=current.version).update(
        **columns, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise _conflict(seen, Need.objects.get(pk=current.pk), current.version)
    return current.version + 1


def need_transition(
    *,
    actor,
    need: Need,
    action: str,
    expected_version: int | None = None,
    note: str = "",
    client_id=None,
    channel: str,
) -> Need:
    """Move `need` along the life cycle. `expected_version` is the version the caller
    saw (pages and the API always send it); replaying `client_id` does nothing twice."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")})
    require_role(actor, transition.roles)
    try:
        with transaction.atomic():
            if replayed(NeedEvent, client_id=client_id, actor=actor) is not None:
                return Need.objects.get(pk=need.pk)
            _check_responder_reach(actor, need)
            note = (note or "").strip()
            if transition.note_required and not note:
                raise ValidationError({"note": _("Say why the need is reopened.")})
            transition_apply(
                need=need,
                action=action,
                actor=actor,
                note=note,
                expected_version=expected_version,
                client_id=client_id,
                channel=channel,
            )
    except IntegrityError:
        # The same client UUID raced itself: the first send won, this one is a replay.
        if replayed(NeedEvent, client_id=client_id, actor=actor) is None:
            raise
    return Need.objects.get(pk=need.pk)


def transition_apply(
    *,
    need: Need,
    action: str,
    actor,
    note: str = "",
    expected_version: int | None = None,
    client_id=None,
    channel: str,
    detail: dict | None = None,
    by_resident_id: int | None = None,
) -> Need:
    """The step itself, without the role check: need_transition calls it for staff;
    services.loops for the steps a referral's answer or a resident's confirmation takes
    (the caller has checked who may). Raises ValidationError naming `action` when the
    need is not in a status the step leaves from. Call inside a transaction."""
    transition = TRANSITIONS[action]
    current = _lock_and_check(need, expected_version)
    if current.status not in transition.sources:
        raise ValidationError({"action": str(transition.refused)})
    now = timezone.now()
    columns: dict[str, Any] = {"status": transition.target}
    if action == NeedAction.ACKNOWLEDGE:
        columns["acknowledged_at"] = now
    elif action == NeedAction.RESOLVE:
        columns["resolved_at"] = now
        columns["resolution_proposed"] = ""
    elif action == NeedAction.CONFIRM:
        columns["confirmed_at"] = now
    elif action == NeedAction.REOPEN:
        ack_due, resolve_due = service_level_due(
            category=current.category, urgency=current.urgency, start=now
        )
        columns.update(
            cycle=current.cycle + 1,
            cycle_started_at=now,
            acknowledge_due_at=ack_due,
            resolve_due_at=resolve_due,
            escalation_level=0,
            acknowledged_at=None,
            resolved_at=None,
            confirmed_at=None,
        )
    version = _write(current, need, **columns)
    event_add(
        need=current,
        kind=transition.event,
        actor=actor,
        at=now,
        note=note,
        from_status=current.status,
        to_status=transition.target,
        detail={"version": version, **(detail or {})},
        client_id=client_id,
    )
    audit_record(
        actor=actor,
        by_resident_id=by_resident_id,
        action=AuditAction.UPDATE,
        object_type="need",
        object_id=current.pk,
        household_id=current.household_id,
        channel=channel,
        detail={"action": action},
    )
    after = Need.objects.get(pk=need.pk)
    for listener in _transition_listeners:
        listener(after, action, actor)
    return after


# Called inside the transaction after every step (services.loops: notifications; the
# relapse watch re-evaluates the household's flags when a need is resolved).
_transition_listeners: list = []


def register_transition_listener(listener) -> None:
    """`listener(need, action, actor)`; other apps register from AppConfig.ready."""
    if listener not in _transition_listeners:
        _transition_listeners.append(listener)


def need_acknowledge(*, actor, need: Need, **kwargs: Any) -> Need:
    return need_transition(actor=actor, need=need, action=NeedAction.ACKNOWLEDGE, **kwargs)


def need_start(*, actor, need: Need, **kwargs: Any) -> Need:
    return need_transition(actor=actor, need=need, action=NeedAction.START, **kwargs)


def need_resolve(*, actor, need: Need, **kwargs: Any) -> Need:
    return need_transition(actor=actor, need=need, action=NeedAction.RESOLVE, **kwargs)


def need_confirm(*, actor, need: Need, **kwargs: Any) -> Need:
    return need_transition(actor=actor, need=need, action=NeedAction.CONFIRM, **kwargs)


def need_reopen(*, actor, need: Need, **kwargs: Any) -> Need:
    return need_transition(actor=actor, need=need, action=NeedAction.REOPEN, **kwargs)


@transaction.atomic
def need_update(*, actor, need: Need, expected_version: int, channel: str, **fields: Any) -> Need:
    """Change title, description, category or urgency. A new category or urgency moves
    the service-level deadlines of the current cycle."""
    require_role(actor, CASEWORK_ROLES)
    data = _validate_fields(fields)
    current = Need.objects.select_for_update().get(pk=need.pk)
    if current.version != expected_version:
        # Field-level merge (the field app writes from versions read hours ago): the
        # change goes through when the fields it changes differ from those changed by
        # others since `expected_version`; the same field changed on both sides is a
        # conflict (409 with the changed fields), and the caller chooses.
        theirs = set(changes_since(current.pk, expected_version))
        mine = {k for k, v in data.items() if getattr(current, k) != v}
        if mine & theirs:
            raise _conflict(need, current, expected_version)
    if current.status == NeedStatus.CONFIRMED:
        raise ValidationError(_("A need confirmed by the resident can no longer be changed."))
    changes = {k: v for k, v in data.items() if getattr(current, k) != v}
    if not changes:
        return current
    columns: dict[str, Any] = dict(changes)
    for name in sorted(changes.keys() & {"title", "description"}):
        # A person rewrote a generated text: their words are shown from now on.
        columns[f"{name}_code"], columns[f"{name}_params"] = "", {}
    if ("category" in changes or "urgency" in changes) and current.status in UNRESOLVED:
        columns["acknowledge_due_at"], columns["resolve_due_at"] = service_level_due(
            category=data.get("category", current.category),
            urgency=data.get("urgency", current.urgency),
            start=current.cycle_started_at,
        )
    version = _write(current, need, **columns)
    event_add(
        need=current,
        kind=NeedEventKind.UPDATED,
        actor=actor,
        detail={"fields": sorted(changes), "version": version},
    )
    _audit(actor, current, AuditAction.UPDATE, channel, {"fields": sorted(changes)})
    return Need.objects.get(pk=need.pk)


@transaction.atomic
def need_add_note(*, actor, need: Need, note: str, client_id=None, channel: str) -> NeedEvent:
    """A note on the timeline. It does not change the need, so it bumps no version."""
    require_role(actor, CASEWORK_ROLES | {Role.RESPONDER})
    if (earlier := replayed(NeedEvent, client_id=client_id, actor=actor)) is not None:
        return earlier
    _check_responder_reach(actor, need)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write the note first.")})
    event = event_add(
        need=need, kind=NeedEventKind.NOTE, actor=actor, note=note, client_id=client_id
    )
    _audit(actor, need, AuditAction.UPDATE, channel, {"note": event.pk})
    return event
