"""Reads of consent and correction requests, scoped like every personal read.

Staff reach a household's consent and requests only through
registry.selectors.households_visible_to (404 outside it). `contacts_withdrawn` is
the unscoped, set-based check the contact schedule uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from doorstep.privacy.models import (
    AuditAction,
    Consent,
    ConsentChange,
    ConsentPurpose,
    CorrectionRequest,
    CorrectionStatus,
)
from doorstep.privacy.services import audit_record
from doorstep.registry.selectors import households_visible_to


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    given: bool
    since: object  # datetime, or None: given when the household joined (no record)
    method: str = ""


def contacts_withdrawn(household_ids: Iterable[int]) -> set[int]:
    """Of these households, those that withdrew consent to visits and calls (one query
    on the (household, purpose) unique index)."""
    ids = list(household_ids)
    if not ids:
        return set()
    return set(
        Consent.objects.filter(
            household_id__in=ids, purpose=ConsentPurpose.CONTACTS, given=False
        ).values_list("household_id", flat=True)
    )


def consent_state(household_id: int) -> list[ConsentState]:
    """The current answer for every purpose (no row: given on joining)."""
    current = {c.purpose: c for c in Consent.objects.filter(household_id=household_id)}
    methods = {}
    for change in ConsentChange.objects.filter(household_id=household_id).order_by("at", "pk"):
        methods[change.purpose] = change.method
    return [
        ConsentState(
            purpose=value,
            label=str(label),
            given=current[value].given if value in current else True,
            since=current[value].changed_at if value in current else None,
            method=methods.get(value, ""),
        )
        for value, label in ConsentPurpose.choices
    ]


def consent_history(household_id: int) -> QuerySet[ConsentChange]:
    return (
        ConsentChange.objects.filter(household_id=household_id)
        .select_related("recorded_by", "recorded_by_resident")
        .order_by("-at", "-pk")
    )


def correction_requests_visible_to(user) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(
        household_id__in=households_visible_to(user).values("pk")
    )


def correction_request_for(user, request_id: int, *, channel: str) -> CorrectionRequest:
    request = (
        correction_requests_visible_to(user)
        .select_related("household", "resident")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="correction_request",
        object_id=request.pk,
        household_id=request.household_id,
        channel=channel,
    )
    return request


def open_correction_requests(household_id: int) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(
        household_id=household_id, status=CorrectionStatus.OPEN
    ).order_by("created_at")


ANSWERED_SHOWN = 20


def answered_correction_requests(household_id: int) -> list[CorrectionRequest]:
    """The household's answered correction requests, newest answer first (the portal
    shows each with its answer)."""
    return list(
        CorrectionRequest.objects.filter(household_id=household_id)
        .exclude(status=CorrectionStatus.OPEN)
        .order_by("-resolved_at", "-id")[:ANSWERED_SHOWN]
    )
