"""Responders' contact lists: whom the officer rings, in on-call order.

The list is replaced as a whole (the admin's inline and any future page edit the whole
list at once), atomically: one bad phone and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doorstep.hotline.models import Responder, ResponderContact
from doorstep.hotline.services.common import ROSTER_ROLES, audit, require_role
from doorstep.privacy.models import AuditAction
from doorstep.registry.validators import normalize_phone, validate_phone


def _checked(entries: list[Mapping]) -> tuple[list[ResponderContact], dict[str, str]]:
    rows, errors = [], {}
    for i, entry in enumerate(entries):
        name = (entry.get("name") or "").strip()
        role = (entry.get("role") or "").strip()
        phone = normalize_phone(entry.get("phone") or "")
        if not name:
            errors[f"contacts.{i}.name"] = _("Enter the contact's name.")
        elif len(name) > 64:
            errors[f"contacts.{i}.name"] = _("Enter at most %(max_length)s characters.") % {
                "max_length": 64
            }
        if len(role) > 64:
            errors[f"contacts.{i}.role"] = _("Enter at most %(max_length)s characters.") % {
                "max_length": 64
            }
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors[f"contacts.{i}.phone"] = exc.messages[0]
        rows.append(ResponderContact(name=name, role=role, phone=phone, on_call_order=i + 1))
    return rows, errors


@transaction.atomic
def responder_contacts_set(
    *, actor, responder: Responder, contacts: Iterable[Mapping], channel: str
) -> list[ResponderContact]:
    """Replace the responder's contacts with `contacts` ({name, role, phone}), in the
    order given: the first is rung first."""
    require_role(actor, ROSTER_ROLES)
    rows, errors = _checked(list(contacts))
    if errors:
        raise ValidationError(errors)
    Responder.objects.select_for_update().filter(pk=responder.pk).first()
    ResponderContact.objects.filter(responder=responder).delete()
    for row in rows:
        row.responder = responder
    created = ResponderContact.objects.bulk_create(rows)
    audit(
        actor,
        action=AuditAction.UPDATE,
        object_type="responder",
        pk=responder.pk,
        channel=channel,
        detail={"contacts": len(created)},
    )
    return created
