"""Open311 API keys: created by a team leader for an outside client (a city app, a
kiosk); only the digest is kept; requests filed with a key go to its office."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doorstep.hotline.models import Office, Open311Key
from doorstep.hotline.services.common import ROSTER_ROLES, audit, require_role
from doorstep.privacy.models import AuditAction


@transaction.atomic
def open311_key_create(*, actor, office: Office, name: str, channel: str) -> tuple[Open311Key, str]:
    """Returns the key and its secret, shown once."""
    require_role(actor, ROSTER_ROLES)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the client this key is for.")})
    raw = Open311Key.new_secret()
    key = Open311Key.objects.create(
        office=office, name=name[:100], digest=Open311Key.digest_of(raw), prefix=raw[:8]
    )
    audit(actor, action=AuditAction.CREATE, object_type="open311_key", pk=key.pk, channel=channel)
    return key, raw


def open311_key_authenticate(raw: str | None) -> Open311Key | None:
    if not raw or len(raw) > 200:
        return None
    return (
        Open311Key.objects.select_related("office", "office__area")
        .filter(digest=Open311Key.digest_of(raw), revoked_at__isnull=True)
        .first()
    )
