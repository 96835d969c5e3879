"""Writes of the privacy app: the audit log, consent and correction requests.

privacy sits below registry (registry's selectors and services write the audit log),
so nothing here imports registry or casework: households and residents come in as
objects or ids, and apps above register what must follow a change of consent
(`register_consent_listener`: the portal app wires the contact schedule to it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.privacy.models import (
    AuditAction,
    AuditEvent,
    Consent,
    ConsentChange,
    ConsentMethod,
    ConsentPurpose,
    CorrectionRequest,
    CorrectionStatus,
)

MAX_CORRECTION_CHARS = 2000
MAX_NOTE_CHARS = 200


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: object = "",
    household_id: int | None = None,
    channel: str,
    detail: dict | None = None,
    by_resident_id: int | None = None,
) -> AuditEvent:
    """Append one audit event.

    Changes: call it inside the transaction of the change, so both commit or neither.
    Reads: selectors call it outside any transaction (Doorstep does not wrap requests
    in one: no ATOMIC_REQUESTS), so the event is committed the moment the record is
    read and survives whatever happens to the request afterwards.
    """
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        by_resident_id=by_resident_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        household_id=household_id,
        channel=channel[:120],
        detail=detail or {},
    )


def audit_list_view(
    *, actor: Any, object_type: str, household_ids, channel: str
) -> AuditEvent | None:
    """One audit event for a list read that showed people: the households it showed,
    in `detail["households"]` (issue 18: every list read with personal data writes one
    row). Nothing when the list was empty or no channel is given (a list built for a
    count, not shown)."""
    ids = sorted({int(i) for i in household_ids if i})
    if not ids or not channel:
        return None
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=object_type,
        channel=channel,
        detail={"households": ids},
    )


# --- consent ------------------------------------------------------------------------

ConsentListener = Callable[[int, str, bool], None]
_consent_listeners: list[ConsentListener] = []


def register_consent_listener(listener: ConsentListener) -> None:
    """`listener(household_id, purpose, given)` runs inside consent_set's transaction."""
    if listener not in _consent_listeners:
        _consent_listeners.append(listener)


@transaction.atomic
def consent_set(
    *,
    household,
    purpose: str,
    given: bool,
    method: str,
    actor=None,
    resident=None,
    note: str = "",
    channel: str,
) -> ConsentChange:
    """Record a household's answer for one purpose: history row, current row, audit
    event and what follows (no scheduled contacts while consent to them is withdrawn),
    in one transaction. `actor` is the staff member who recorded it, or `resident`
    the resident who gave it in the portal (exactly one of them)."""
    errors: dict[str, str] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Choose what the consent is for from the list.")
    if method not in ConsentMethod.values:
        errors["method"] = _("Choose how the answer was given from the list.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        errors["note"] = _("Keep the note under 200 characters.")
    if (actor is None) == (resident is None):
        errors["method"] = _("Consent is recorded by a staff member or by the resident.")
    elif resident is not None and method != ConsentMethod.PORTAL:
        errors["method"] = _("A resident records consent through the portal.")
    elif actor is not None and method == ConsentMethod.PORTAL:
        errors["method"] = _("Only the resident records consent through the portal.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    change = ConsentChange.objects.create(
        household_id=household.pk,
        purpose=purpose,
        given=bool(given),
        method=method,
        recorded_by=actor,
        recorded_by_resident=resident,
        at=now,
        note=note,
    )
    Consent.objects.update_or_create(
        household_id=household.pk,
        purpose=purpose,
        defaults={"given": bool(given), "changed_at": now},
    )
    audit_record(
        actor=actor,
        by_resident_id=resident.pk if resident is not None else None,
        action=AuditAction.UPDATE,
        object_type="consent",
        object_id=change.pk,
        household_id=household.pk,
        channel=channel,
        detail={"purpose": purpose, "given": bool(given), "method": method},
    )
    for listener in _consent_listeners:
        listener(household.pk, purpose, bool(given))
    return change


# --- correction requests ------------------------------------------------------------


@transaction.atomic
def correction_request_create(*, resident, message: str, channel: str) -> CorrectionRequest:
    """A resident asks for their record to be put right (portal)."""
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say what is wrong in your record.")})
    if len(message) > MAX_CORRECTION_CHARS:
        raise ValidationError({"message": _("Keep the request under 2000 characters.")})
    request = CorrectionRequest.objects.create(
        household_id=resident.household_id, resident=resident, message=message
    )
    audit_record(
        actor=None,
        by_resident_id=resident.pk,
        action=AuditAction.CREATE,
        object_type="correction_request",
        object_id=request.pk,
        household_id=resident.household_id,
        channel=channel,
    )
    return request


@transaction.atomic
def correction_request_resolve(
    *, actor, request: CorrectionRequest, status: str, answer: str, channel: str
) -> CorrectionRequest:
    """Close a request: corrected (the worker changed the record) or declined (with
    the reason, which the resident reads). `request` comes from privacy.selectors."""
    answer = (answer or "").strip()
    errors: dict[str, str] = {}
    if status not in (CorrectionStatus.CORRECTED, CorrectionStatus.DECLINED):
        errors["status"] = _("Choose corrected or declined.")
    elif status == CorrectionStatus.DECLINED and not answer:
        errors["answer"] = _("Tell the resident why the record stays as it is.")
    if len(answer) > MAX_CORRECTION_CHARS:
        errors["answer"] = _("Keep the answer under 2000 characters.")
    if errors:
        raise ValidationError(errors)
    updated = CorrectionRequest.objects.filter(pk=request.pk, status=CorrectionStatus.OPEN).update(
        status=status, answer=answer, resolved_by=actor, resolved_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"status": _("This request has already been closed.")})
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="correction_request",
        object_id=request.pk,
        household_id=request.household_id,
        channel=channel,
        detail={"status": status},
    )
    return CorrectionRequest.objects.get(pk=request.pk)
