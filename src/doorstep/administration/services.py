"""Writes of staff administration: create, change, deactivate and reactivate staff
accounts, reset a password or a second factor. Keyword-only, atomic, audited, and
the one place these rules live: the pages, the API and the importer call them.

Bad input raises ValidationError naming the field (the API answers 422, the page
shows it beside the field) and writes nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.accounts.models import ApiToken, Role, User
from doorstep.accounts.two_factor import device_reset
from doorstep.administration.django_admin import django_admin_sync
from doorstep.administration.selectors import areas_for_staff, roles_grantable_by
from doorstep.areas.models import Area
from doorstep.casework.models import Unit, UnitMember
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.validators import (
    normalize_languages,
    normalize_phone,
    validate_languages,
    validate_phone,
)

USERNAME_RE = re.compile(r"^[\w.@+-]{3,150}$")
# Ways people type the middle dot of "given·father's given" (艾力·买买提).
_DOTS = re.compile(r"\s*[•・‧．·∙⋅]\s*")
_SPACES = re.compile(r"\s+")


@dataclass
class StaffData:
    """What an administrator enters for an account. `family_name` is empty for
    names without one (Uyghur names: `given_name` holds "given·father's given")."""

    family_name: str = ""
    given_name: str = ""
    role: str = Role.WORKER
    area_code: str = ""
    unit_ids: list[int] = field(default_factory=list)
    languages: str = ""
    phone: str = ""
    latitude: float | None = None
    longitude: float | None = None


def normalize_name(value: str) -> str:
    return _DOTS.sub("·", _SPACES.sub(" ", (value or "").strip()))


def require_manager(actor) -> frozenset[str]:
    roles = roles_grantable_by(actor)
    if not roles:
        raise PermissionDenied(_("Your role does not allow this."))
    return roles


def check_staff_data(actor, data: StaffData) -> tuple[dict, dict[str, str]]:
    """(clean values, {field: message}); nothing is written."""
    roles = require_manager(actor)
    errors: dict[str, str] = {}
    values: dict = {}
    family, given = normalize_name(data.family_name), normalize_name(data.given_name)
    if not given and not family:
        errors["given_name"] = _("Enter the name.")
    for key, value in (("family_name", family), ("given_name", given)):
        if len(value) > 64:
            errors[key] = _("Enter at most %(max_length)s characters.") % {"max_length": 64}
    values["last_name"], values["first_name"] = family, given
    if data.role not in Role.values:
        errors["role"] = _("Choose one of: %(expected)s.") % {"expected": ", ".join(Role.values)}
    elif data.role not in roles:
        errors["role"] = _("You may not grant the role %(role)s.") % {"role": Role(data.role).label}
    values["role"] = data.role
    code = (data.area_code or "").strip()
    area = areas_for_staff(actor).filter(code=code).first() if code else None
    if area is None:
        errors["area_code"] = (
            _("No area of yours has the code %(code)s.") % {"code": code}
            if code
            else _("Enter the code of the account's area.")
        )
    values["area"] = area
    languages = normalize_languages(data.languages or "")
    try:
        validate_languages(languages)
    except ValidationError as exc:
        errors["languages"] = exc.messages[0]
    values["languages"] = languages
    phone = normalize_phone(data.phone or "")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    values["phone"] = phone
    for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = getattr(data, key)
        if value is not None and not low <= value <= high:
            errors[key] = _("Enter a value between %(low)s and %(high)s.") % {
                "low": low,
                "high": high,
            }
        values[key] = value
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    unit_ids = sorted(set(data.unit_ids or []))
    found = set(Unit.objects.filter(pk__in=unit_ids, is_active=True).values_list("pk", flat=True))
    if missing := [str(u) for u in unit_ids if u not in found]:
        errors["unit_ids"] = _("No active unit has the id %(ids)s.") % {"ids": ", ".join(missing)}
    values["unit_ids"] = unit_ids
    return values, errors


def _audit(actor, action: str, user: User, channel: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="staff",
        object_id=user.pk,
        channel=channel,
        detail=detail or None,
    )


def _set_units(actor, user: User, unit_ids: list[int], channel: str) -> list[int]:
    """Make the account's unit memberships exactly `unit_ids`; returns what changed."""
    current = set(UnitMember.objects.filter(user=user).values_list("unit_id", flat=True))
    wanted = set(unit_ids)
    removed, added = current - wanted, wanted - current
    if removed:
        UnitMember.objects.filter(user=user, unit_id__in=removed).delete()
    UnitMember.objects.bulk_create([UnitMember(user=user, unit_id=u) for u in sorted(added)])
    for unit_id in sorted(added):
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="unit_member",
            object_id=f"{user.pk}:{unit_id}",
            channel=channel,
            detail={"unit": unit_id, "user": user.pk},
        )
    for unit_id in sorted(removed):
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="unit_member",
            object_id=f"{user.pk}:{unit_id}",
            channel=channel,
            detail={"unit": unit_id, "user": user.pk},
        )
    return sorted(added | removed)


def _apply(user: User, values: dict) -> list[str]:
    changed = []
    for key in ("first_name", "last_name", "role", "area", "languages", "phone"):
        if getattr(user, key) != values[key]:
            setattr(user, key, values[key])
            changed.append(key)
    for key in ("latitude", "longitude"):
        if getattr(user, key) != values[key]:
            setattr(user, key, values[key])
            changed.append(key)
    return changed


def check_username(username: str) -> str | None:
    """A message when `username` cannot be used for a new account."""
    if not USERNAME_RE.match(username):
        return _(
            "A user name has 3 to 150 letters, digits and the characters . @ + - _ without spaces."
        )
    if User.objects.filter(username__iexact=username).exists():
        return _("The user name %(username)s is taken.") % {"username": username}
    return None


@transaction.atomic
def staff_create(*, actor, username: str, data: StaffData, channel: str) -> User:
    """A new account with no usable password: the administrator sets a first one
    (`staff_password_reset`) and hands it over; supervisors and administrators enrol
    their authenticator at their first sign-in."""
    username = (username or "").strip()
    values, errors = check_staff_data(actor, data)
    if message := check_username(username):
        errors["username"] = message
    if errors:
        raise ValidationError(errors)
    user = User(username=username)
    _apply(user, values)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"username": _("The user name %(username)s is taken.") % {"username": username}}
        ) from None
    _set_units(actor, user, values["unit_ids"], channel)
    django_admin_sync(user)
    _audit(actor, AuditAction.CREATE, user, channel, role=user.role, area=user.area_id)
    return user


@transaction.atomic
def staff_update(*, actor, user: User, data: StaffData, channel: str) -> User:
    """Change an account the caller manages (the caller found it through
    selectors.staff_for). Nobody changes their own role or area."""
    values, errors = check_staff_data(actor, data)
    if user.pk == actor.pk and (values["role"] != user.role or values["area"] != user.area):
        errors["role"] = _("You cannot change your own role or area.")
    if errors:
        raise ValidationError(errors)
    User.objects.select_for_update().filter(pk=user.pk).first()
    changed = _apply(user, values)
    if changed:
        user.save(update_fields=changed)
    units = _set_units(actor, user, values["unit_ids"], channel)
    django_admin_sync(user)
    if changed or units:
        _audit(actor, AuditAction.UPDATE, user, channel, fields=changed, units=units)
    return user


@transaction.atomic
def staff_set_active(*, actor, user: User, active: bool, channel: str) -> User:
    """Deactivate (sign-in, sessions and API tokens stop working; pairings stay, and
    their households show as "needs a new worker" to the team leader) or reactivate."""
    require_manager(actor)
    if user.pk == actor.pk and not active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    if user.is_active == active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    django_admin_sync(user)
    if not active:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    _audit(actor, AuditAction.UPDATE, user, channel, is_active=active)
    return user


def temporary_password() -> str:
    # Four groups of four letters and digits, easy to read out over the phone.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@transaction.atomic
def staff_password_reset(*, actor, user: User, channel: str) -> str:
    """Set a new temporary password and return it (shown once, never stored in
    clear). The account's other sessions end, as after any password change."""
    require_manager(actor)
    if user.pk == actor.pk:
        raise ValidationError({"password": _("Change your own password another way.")})
    password = temporary_password()
    validate_password(password, user)
    user.set_password(password)
    user.password_change_due = True
    user.save(update_fields=["password", "password_change_due"])
    _audit(actor, AuditAction.UPDATE, user, channel, reset="password")
    return password


@transaction.atomic
def staff_two_factor_reset(*, actor, user: User, channel: str) -> None:
    """Remove the account's authenticator and recovery codes: it enrols again at its
    next sign-in."""
    require_manager(actor)
    device_reset(user=user)
    _audit(actor, AuditAction.UPDATE, user, channel, reset="two_factor")


def area_by_code(actor, code: str) -> Area | None:
    return areas_for_staff(actor).filter(code=(code or "").strip()).first()
