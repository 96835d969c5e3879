"""Every write to households and residents. Pages, the API and the importer call these,
so a rule is written once. Each write is atomic and audited in the same transaction."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.areas.models import HOUSEHOLD_LEVELS, Area
from doorstep.core.inputpolicy import clean_blank
from doorstep.core.validators import check_not_negative
from doorstep.privacy.deferred import audit_after_rollback
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import (
    HOUSEHOLD_VULNERABILITIES,
    PERSON_VULNERABILITIES,
    Household,
    HouseholdVulnerability,
    ProgrammeStatus,
    Relationship,
    Resident,
    Vulnerability,
)
from doorstep.registry.search_keys import name_search_key
from doorstep.registry.validators import (
    normalize_id_number,
    normalize_languages,
    normalize_phone,
    validate_birth_date,
)

HOUSEHOLD_FIELDS = (
    "household_no",
    "area",
    "address",
    "latitude",
    "longitude",
    "phone",
    "languages",
    "annual_income",
)
RESIDENT_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "relationship",
    "phone",
    "id_number",
    "occupation",
    "skills",
)


@dataclass
class ConcurrencyConflict(Exception):
    """Someone else saved the record (a household, or a resident) after the caller
    loaded it."""

    current: Household | Resident
    changed_fields: list[str]


def check_single_head(*, household_id: int | None, relationship: str, resident_id=None) -> None:
    """One head per household (the database's `one_head_per_household` backs this up):
    a second head is refused on the relationship field, in words, before the insert
    would fail with a bare "conflicts with an existing record"."""
    if relationship != "head" or household_id is None:
        return
    others = Resident.objects.filter(household_id=household_id, relationship="head")
    if resident_id is not None:
        others = others.exclude(pk=resident_id)
    if others.exists():
        raise ValidationError(
            {"relationship": _("This household already has a head.")}, code="second_head"
        )


def _check_area(area: Area | None, actor) -> None:
    if area is None:
        raise ValidationError({"area": _("Choose an area.")})
    if area.level not in HOUSEHOLD_LEVELS:
        raise ValidationError({"area": _("A household belongs to a village, community or grid.")})
    if actor is not None and actor.area_id is not None and not area.is_within(actor.area):
        raise ValidationError({"area": _("That area is outside your own area.")})


def _normalize_household(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "phone" in data:
        data["phone"] = normalize_phone(data["phone"] or "")
    if "languages" in data:
        data["languages"] = normalize_languages(data["languages"] or "")
    if "address" in data:
        data["address"] = (data["address"] or "").strip()
    if "household_no" in data:
        data["household_no"] = (data["household_no"] or "").strip()
    if data.get("annual_income") is not None and not isinstance(data["annual_income"], Decimal):
        data["annual_income"] = Decimal(str(data["annual_income"]))
    check_not_negative(data.get("annual_income"), field="annual_income")
    return data


def _validate_vulnerabilities(
    values: Iterable[str], *, allowed: Iterable[str] = Vulnerability.values
) -> list[str]:
    values = list(dict.fromkeys(values))
    unknown = [v for v in values if v not in Vulnerability.values]
    if unknown:
        raise ValidationError(
            {
                "vulnerabilities": _("Unknown vulnerability category: %(value)s")
                % {"value": ", ".join(unknown)}
            }
        )
    allowed = set(allowed)
    misplaced = [v for v in values if v not in allowed]
    if misplaced:
        labels = dict(Vulnerability.choices)
        names = ", ".join(str(labels[v]) for v in misplaced)
        if misplaced[0] in HOUSEHOLD_VULNERABILITIES:
            message = _("%(value)s belongs to the whole household: record it on the household.")
        else:
            message = _("%(value)s belongs to one person: record it on that member.")
        raise ValidationError({"vulnerabilities": message % {"value": names}})
    return values


def _resident_vulnerabilities_set(*, resident: Resident, categories: list[str]) -> dict[str, Any]:
    """Make `categories` the resident's own; returns the change for the audit log.

    Saving a member's categories confirms them: rows the migration inferred become the
    worker's."""
    rows = HouseholdVulnerability.objects.filter(resident=resident)
    before = set(rows.values_list("category", flat=True))
    after = set(categories)
    rows.filter(category__in=before - after).delete()
    confirmed = rows.filter(inferred=True).update(inferred=False)
    HouseholdVulnerability.objects.bulk_create(
        [
            HouseholdVulnerability(
                household_id=resident.household_id, resident=resident, category=c
            )
            for c in sorted(after - before)
        ]
    )
    change: dict[str, Any] = {}
    if before != after:
        change = {"added": sorted(after - before), "removed": sorted(before - after)}
    if confirmed:
        change["confirmed"] = confirmed
    return change


class UniqueClash(Exception):
    """A unique column already holds the value, in the caller's scope or elsewhere.

    The caller hears the same thing either way ("cannot be used", never "exists"), so
    no one can test whether a number is registered outside their area (issue 18);
    `unique_policy` writes the clash to the audit log, after the change's transaction
    has rolled back, where an administrator finds which record holds the number."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(field)
        self.field = field
        self.value = value


def _clash_message(field: str) -> str:
    if field == "id_number":
        return _("This resident ID number cannot be used.")
    return _("This household number cannot be used.")


def _unique_violation(exc: IntegrityError, *, household_no: str = "", id_number=None):
    text = str(exc).lower()
    if "id_number" in text:
        return UniqueClash("id_number", id_number or "")
    if "household_no" in text:
        return UniqueClash("household_no", household_no)
    if "one_head_per_household" in text or "relationship" in text:
        return ValidationError({"relationship": _("This household already has a head.")})
    return ValidationError(_("The record conflicts with an existing one."))


def unique_policy(function):
    """Around a write service (outside its transaction): a UniqueClash becomes the one
    neutral field error, and an audit event records which record holds the value."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except UniqueClash as clash:
            if clash.field == "id_number":
                holder = Resident.objects.filter(id_number=clash.value).values_list(
                    "household_id", flat=True
                )
            else:
                holder = Household.objects.filter(household_no=clash.value).values_list(
                    "pk", flat=True
                )
            audit_after_rollback(
                actor=kwargs.get("actor"),
                action=AuditAction.CLASH,
                object_type="household",
                object_id=holder.first() or "",
                household_id=holder.first(),
                channel=kwargs.get("channel", ""),
                detail={"field": clash.field, "operation": function.__name__},
            )
            raise ValidationError({clash.field: _clash_message(clash.field)}) from None

    return wrapper


@unique_policy
@transaction.atomic
def household_create(
    *,
    actor,
    head: dict[str, Any],
    vulnerabilities: Iterable[str] = (),
    channel: str,
    **fields: Any,
) -> Household:
    """A household always starts with its head, so a household with no head never exists."""
    data = _normalize_household({k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS})
    _check_area(data.get("area"), actor)
    household = Household(**data)
    # Uniqueness is the database's (see UniqueClash): Django's check would say "exists".
    household.full_clean(validate_unique=False)
    # At creation the head is the only member: a person's category given with the
    # household is the head's.
    categories = _validate_vulnerabilities(vulnerabilities)
    head = {**head, "relationship": Relationship.HEAD}
    try:
        with transaction.atomic():
            household.save()
            resident = _resident_build(household=household, data=head)
            resident.save()
    except IntegrityError as exc:
        raise _unique_violation(
            exc,
            household_no=household.household_no,
            id_number=normalize_id_number(head["id_number"]) if head.get("id_number") else None,
        ) from None
    HouseholdVulnerability.objects.bulk_create(
        [
            HouseholdVulnerability(
                household=household,
                resident=resident if c in PERSON_VULNERABILITIES else None,
                category=c,
            )
            for c in categories
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="household",
        object_id=household.pk,
        household_id=household.pk,
        channel=channel,
    )
    return household


@unique_policy
@transaction.atomic
def household_update(
    *,
    actor,
    household: Household,
    expected_version: int,
    channel: str,
    vulnerabilities: Iterable[str] | None = None,
    **fields: Any,
) -> Household:
    """Save changes only if nobody else saved since `expected_version` was read.

    The check and the write are one UPDATE ... WHERE version = n, so two people
    saving at the same instant cannot both win.
    """
    data = _normalize_household({k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS})
    if "area" in data:
        _check_area(data["area"], actor)
    candidate = Household.objects.get(pk=household.pk)
    for key, value in data.items():
        setattr(candidate, key, value)
    candidate.full_clean(validate_unique=False)
    # The household's own categories only: a person's are set on the member.
    categories = (
        _validate_vulnerabilities(vulnerabilities, allowed=HOUSEHOLD_VULNERABILITIES)
        if vulnerabilities is not None
        else None
    )

    columns = {key: getattr(candidate, key) for key in data}
    if "area" in columns:
        area = columns.pop("area")
        columns["area_id"] = area.pk
        columns["area_path"] = area.path  # see Household.area_path
    try:
        with transaction.atomic():
            updated = Household.objects.filter(pk=household.pk, version=expected_version).update(
                **columns, version=F("version") + 1
            )
    except IntegrityError as exc:
        raise _unique_violation(exc, household_no=candidate.household_no) from None
    if not updated:
        current = Household.objects.select_related("area").get(pk=household.pk)
        changed = [
            key
            for key in data
            if getattr(current, key if key != "area" else "area_id")
            != getattr(household, key if key != "area" else "area_id")
        ]
        raise ConcurrencyConflict(current=current, changed_fields=changed)

    changed_categories: dict[str, list[str]] = {}
    if categories is not None:
        own = household.vulnerabilities.filter(
            resident__isnull=True, category__in=HOUSEHOLD_VULNERABILITIES
        )
        before = set(own.values_list("category", flat=True))
        after = set(categories)
        own.filter(category__in=before - after).delete()
        HouseholdVulnerability.objects.bulk_create(
            [
                HouseholdVulnerability(household=household, category=c)
                for c in sorted(after - before)
            ]
        )
        if before != after:
            changed_categories = {
                "added": sorted(after - before),
                "removed": sorted(before - after),
            }
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=household.pk,
        household_id=household.pk,
        channel=channel,
        detail={
            "fields": sorted(data),
            **({"vulnerabilities": changed_categories} if changed_categories else {}),
        },
    )
    return Household.objects.select_related("area").get(pk=household.pk)


def _resident_build(
    *, household: Household, data: dict[str, Any], instance: Resident | None = None
) -> Resident:
    resident = instance or Resident(household=household)
    for key in RESIDENT_FIELDS:
        if key in data:
            setattr(resident, key, data[key])
    resident.name = clean_blank((resident.name or "").strip())
    if resident.birth_date is not None:
        try:
            validate_birth_date(resident.birth_date)
        except ValidationError as exc:
            raise ValidationError({"birth_date": exc.messages}) from None
    resident.phone = normalize_phone(resident.phone or "")
    resident.id_number = normalize_id_number(resident.id_number) if resident.id_number else None
    resident.full_clean(exclude=["household"], validate_unique=False)
    check_single_head(
        household_id=household.pk, relationship=resident.relationship, resident_id=resident.pk
    )
    return resident


@unique_policy
@transaction.atomic
def resident_create(
    *,
    actor,
    household: Household,
    channel: str,
    vulnerabilities: Iterable[str] = (),
    **data: Any,
) -> Resident:
    """`vulnerabilities`: the member's own categories (PERSON_VULNERABILITIES)."""
    categories = _validate_vulnerabilities(vulnerabilities, allowed=PERSON_VULNERABILITIES)
    resident = _resident_build(household=household, data=data)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise _unique_violation(exc, id_number=resident.id_number) from None
    change = _resident_vulnerabilities_set(resident=resident, categories=categories)
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="resident",
        object_id=resident.pk,
        household_id=household.pk,
        channel=channel,
        detail={"vulnerabilities": change} if change else None,
    )
    return resident


@unique_policy
@transaction.atomic
def resident_update(
    *,
    actor,
    resident: Resident,
    channel: str,
    vulnerabilities: Iterable[str] | None = None,
    expected_version: int | None = None,
    **data: Any,
) -> Resident:
    """Save changes only if nobody else saved since `expected_version` was read (one
    UPDATE ... WHERE version = n, as household_update); a stale version raises
    ConcurrencyConflict with the fields someone else changed. `vulnerabilities`, when
    given, become the member's categories (and confirm the ones the migration
    inferred); None leaves them as they are."""
    categories = (
        _validate_vulnerabilities(vulnerabilities, allowed=PERSON_VULNERABILITIES)
        if vulnerabilities is not None
        else None
    )
    before = Resident.objects.get(pk=resident.pk)
    version = resident.version if expected_version is None else expected_version
    built = _resident_build(household=resident.household, data=data, instance=before)
    columns = {key: getattr(built, key) for key in RESIDENT_FIELDS if key in data}
    if "name" in columns:
        # An UPDATE does not go through save(): the search key is written here.
        columns["name_search"] = name_search_key(built.name)
    try:
        with transaction.atomic():
            updated = Resident.objects.filter(pk=resident.pk, version=version).update(
                **columns, version=F("version") + 1, updated_at=timezone.now()
            )
    except IntegrityError as exc:
        raise _unique_violation(exc, id_number=built.id_number) from None
    if not updated:
        current = Resident.objects.get(pk=resident.pk)
        changed = [
            key for key in RESIDENT_FIELDS if getattr(current, key) != getattr(resident, key)
        ]
        raise ConcurrencyConflict(current=current, changed_fields=changed)
    resident = Resident.objects.select_related("household").get(pk=resident.pk)
    change = (
        _resident_vulnerabilities_set(resident=resident, categories=categories)
        if categories is not None
        else {}
    )
    Household.objects.filter(pk=resident.household_id).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="resident",
        object_id=resident.pk,
        household_id=resident.household_id,
        channel=channel,
        detail={
            "fields": sorted(k for k in data if k in RESIDENT_FIELDS),
            **({"vulnerabilities": change} if change else {}),
        },
    )
    return resident


@transaction.atomic
def resident_delete(*, actor, resident: Resident, channel: str) -> None:
    if resident.relationship == Relationship.HEAD:
        raise ValidationError(
            {
                "relationship": _(
                    "The head of household cannot be removed; make another member the head first."
                )
            }
        )
    household_id = resident.household_id
    resident_id = resident.pk
    resident.delete()
    Household.objects.filter(pk=household_id).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type="resident",
        object_id=resident_id,
        household_id=household_id,
        channel=channel,
    )


@transaction.atomic
def household_programme_set(
    *,
    actor,
    household: Household,
    status: str,
    left_on: dt.date | None = None,
    channel: str,
) -> Household:
    """Record that a household left the programme (on `left_on`) or is back in it.

    Retention counts from `left_on`: privacy.retention anonymises the household once
    DOORSTEP_RETENTION_DAYS have passed and its cases are closed. An anonymised
    household cannot come back (there is nothing left to come back to).
    """
    if status not in ProgrammeStatus.values:
        raise ValidationError({"programme_status": _("Choose a programme status from the list.")})
    if household.anonymised_at is not None:
        raise ValidationError(
            {"programme_status": _("This household's record has been anonymised.")}
        )
    if status == ProgrammeStatus.LEFT:
        if left_on is None:
            raise ValidationError({"left_on": _("Say on which day the household left.")})
        if left_on > timezone.localdate():
            raise ValidationError(
                {"left_on": _("The day the household left cannot be in the future.")}
            )
    else:
        left_on = None
    Household.objects.filter(pk=household.pk).update(
        programme_status=status, left_on=left_on, version=F("version") + 1
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=household.pk,
        household_id=household.pk,
        channel=channel,
        detail={"fields": ["programme_status", "left_on"]},
    )
    return Household.objects.select_related("area").get(pk=household.pk)
