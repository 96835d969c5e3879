"""Administrators set up duty offices and their responders in the product
(administration pages and API): created, changed and retired, never deleted, since
calls, rosters and dispatches point at them. Contact lists are
services.responders.responder_contacts_set.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.areas.models import Area
from doorstep.hotline.models import CallCategory, Office, Responder, ResponderKind
from doorstep.hotline.services.common import audit, require_role
from doorstep.privacy.models import AuditAction
from doorstep.registry.validators import normalize_phone, validate_phone

SETUP_ROLES = frozenset({Role.ADMIN})


def _categories(codes, field: str, errors: dict) -> str:
    codes = [c.strip() for c in codes or [] if c and c.strip()]
    unknown = [c for c in codes if c not in CallCategory.values]
    if unknown:
        errors[field] = _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}
    ordered = [c for c in CallCategory.values if c in codes]
    return f",{','.join(ordered)}," if ordered else ""


def _text(value: str, field: str, max_length: int, errors: dict, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("Enter at most %(max_length)s characters.") % {"max_length": max_length}
    return value


def _phone(value: str, field: str, errors: dict) -> str:
    phone = normalize_phone(value or "")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    return phone


@transaction.atomic
def office_save(
    *,
    actor,
    office: Office | None = None,
    name: str,
    code: str = "",
    area: Area | None,
    phone: str = "",
    categories: list[str] | None = None,
    min_officers: int = 1,
    is_active: bool = True,
    channel: str,
) -> Office:
    """Create an office (`office` None) or change one; `is_active=False` retires it.
    `area` must lie in the actor's own subtree (the caller resolves it so)."""
    require_role(actor, SETUP_ROLES)
    errors: dict[str, str] = {}
    name = _text(name, "name", 120, errors, required=True)
    code = slugify((code or "").strip() or (office.code if office else "")) or ""
    if not code:
        code = slugify(name, allow_unicode=False) or "office"
    if area is None or actor.area_id is None or not area.is_within(actor.area):
        errors["area_code"] = _("Choose an area of your own.")
    phone = _phone(phone, "phone", errors)
    wrapped = _categories(categories, "categories", errors)
    if not 0 <= int(min_officers) <= 50:
        errors["min_officers"] = _("Enter a value between %(low)s and %(high)s.") % {
            "low": 0,
            "high": 50,
        }
    if errors:
        raise ValidationError(errors)
    creating = office is None
    office = office or Office()
    if creating:
        base, n = code[:36], 1
        while Office.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        office.code = code
    office.name, office.area, office.phone = name, area, phone
    office.categories, office.min_officers, office.is_active = wrapped, min_officers, is_active
    try:
        with transaction.atomic():
            office.save()
    except IntegrityError:
        raise ValidationError({"code": _("This code is taken.")}) from None
    audit(
        actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        object_type="office",
        pk=office.pk,
        channel=channel,
        detail={"is_active": is_active},
    )
    return office


@transaction.atomic
def responder_save(
    *,
    actor,
    office: Office,
    responder: Responder | None = None,
    name: str,
    kind: str,
    contact_name: str = "",
    phone: str = "",
    categories: list[str] | None = None,
    members=None,
    is_active: bool = True,
    channel: str,
) -> Responder:
    """Create or change a responder of `office`; `members` (staff accounts that may
    record their own steps) replaces the current list when given."""
    require_role(actor, SETUP_ROLES)
    errors: dict[str, str] = {}
    name = _text(name, "name", 120, errors, required=True)
    if kind not in ResponderKind.values:
        errors["kind"] = _("Choose one of: %(expected)s.") % {
            "expected": ", ".join(ResponderKind.values)
        }
    contact_name = _text(contact_name, "contact_name", 64, errors, required=False)
    phone = _phone(phone, "phone", errors)
    wrapped = _categories(categories, "categories", errors)
    if errors:
        raise ValidationError(errors)
    creating = responder is None
    responder = responder or Responder(office=office)
    responder.name, responder.kind, responder.contact_name = name, kind, contact_name
    responder.phone, responder.categories, responder.is_active = phone, wrapped, is_active
    responder.save()
    if members is not None:
        responder.members.set(members)
    audit(
        actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        object_type="responder",
        pk=responder.pk,
        channel=channel,
        detail={"is_active": is_active},
    )
    return responder
