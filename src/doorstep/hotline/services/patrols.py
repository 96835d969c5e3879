"""Patrols and hazards. Grid staff walk compounds and shops; a hazard found is recorded
with a photo and becomes a call (dispatched like any other) or is resolved on the spot.

Photos: JPEG, PNG or WebP (checked by their first bytes, not their name), at most
PHOTO_MAX_BYTES, stored under MEDIA_ROOT with a random name and served only by
hotline.views.hazard_photo, which checks the caller's scope.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.hotline.models import (
    Call,
    CallCategory,
    CallSource,
    Hazard,
    HazardKind,
    HazardStatus,
    Office,
    Patrol,
)
from doorstep.hotline.services.calls import _coordinate, call_take
from doorstep.hotline.services.common import DUTY_ROLES, ROSTER_ROLES, audit, require_role
from doorstep.privacy.models import AuditAction

PHOTO_MAX_BYTES = 8 * 1024 * 1024

HAZARD_CATEGORY = {
    HazardKind.BLOCKED_FIRE_EXIT: CallCategory.FIRE_HAZARD,
    HazardKind.UNSAFE_WIRING: CallCategory.FIRE_HAZARD,
    HazardKind.GAS_LEAK: CallCategory.GAS,
    HazardKind.BROKEN_LIGHT: CallCategory.OTHER,
    HazardKind.OTHER: CallCategory.OTHER,
}


def photo_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _check_photo(photo) -> str:
    if photo.size is None or photo.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            {"photo": _("The photo is larger than %(mb)s MB.") % {"mb": PHOTO_MAX_BYTES // 2**20}}
        )
    photo.seek(0)
    head = photo.read(16)
    photo.seek(0)
    kind = photo_type(head)
    if kind is None:
        raise ValidationError({"photo": _("Send a JPEG, PNG or WebP photo.")})
    return kind


ROUTE_MAX = 200


@transaction.atomic
def patrol_start(*, actor, office: Office, route: str, channel: str) -> Patrol:
    """The actor starts walking `route` for `office`; one patrol under way at a time."""
    require_role(actor, DUTY_ROLES)
    route = (route or "").strip()
    if not route:
        raise ValidationError({"route": _("Say which compounds and shops the route covers.")})
    if len(route) > ROUTE_MAX:
        raise ValidationError({"route": _("At most %(max)s characters.") % {"max": ROUTE_MAX}})
    # Lock the walker's row: two starts at once cannot both find no patrol under way.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    if Patrol.objects.filter(walker=actor, ended_at__isnull=True).exists():
        raise ValidationError(
            {"route": _("You have a patrol under way: end it before starting another.")}
        )
    patrol = Patrol.objects.create(
        office=office, walker=actor, route=route, started_at=timezone.now()
    )
    audit(actor, action=AuditAction.CREATE, object_type="patrol", pk=patrol.pk, channel=channel)
    return patrol


@transaction.atomic
def patrol_end(*, actor, patrol: Patrol, channel: str) -> Patrol:
    """The walker ends their patrol (a duty leader may end one left running)."""
    require_role(actor, DUTY_ROLES)
    if patrol.walker_id != actor.pk and actor.role not in ROSTER_ROLES:
        raise PermissionDenied(_("Only the walker or a duty leader can end this patrol."))
    # One UPDATE ... WHERE ended_at IS NULL: ending twice (or at once) is refused.
    ended_at = timezone.now()
    if not Patrol.objects.filter(pk=patrol.pk, ended_at__isnull=True).update(ended_at=ended_at):
        raise ValidationError({"ended_at": _("This patrol has ended already.")})
    patrol.ended_at = ended_at
    audit(
        actor,
        action=AuditAction.UPDATE,
        object_type="patrol",
        pk=patrol.pk,
        channel=channel,
        detail={"fields": ["ended_at"]},
    )
    return patrol


@transaction.atomic
def hazard_record(
    *,
    actor,
    office: Office,
    kind: str,
    description: str = "",
    photo=None,
    place_area=None,
    address: str = "",
    latitude=None,
    longitude=None,
    patrol: Patrol | None = None,
    client_id=None,
    channel: str,
) -> Hazard:
    require_role(actor, DUTY_ROLES)
    if client_id is not None:
        earlier = Hazard.objects.filter(found_by=actor, client_id=client_id).first()
        if earlier is not None:
            return earlier
    errors = {}
    if kind not in HazardKind.values:
        errors["kind"] = _("Choose a hazard from the list.")
    if place_area is not None and not place_area.path.startswith(office.area.path):
        errors["place_area"] = _("This place is outside the office's area.")
    if patrol is not None and (patrol.office_id != office.pk or patrol.walker_id != actor.pk):
        errors["patrol"] = _("This is not your patrol.")
    coords = {}
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        try:
            coords[name] = _coordinate(
                latitude if name == "latitude" else longitude, field=name, low=low, high=high
            )
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    kind_of_photo = ""
    if photo is not None:
        try:
            kind_of_photo = _check_photo(photo)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    hazard = Hazard(
        office=office,
        patrol=patrol,
        found_by=actor,
        found_at=timezone.now(),
        kind=kind,
        description=(description or "").strip()[:4000],
        place_area=place_area,
        address=(address or "").strip()[:200],
        photo_type=kind_of_photo,
        client_id=client_id,
        **coords,
    )
    if photo is not None:
        # Saved last: if anything above failed, no file is left behind.
        hazard.photo.save(f"hazard.{kind_of_photo.split('/')[1]}", photo, save=False)
    hazard.save()
    audit(actor, action=AuditAction.CREATE, object_type="hazard", pk=hazard.pk, channel=channel)
    return hazard


@transaction.atomic
def hazard_to_call(*, actor, hazard: Hazard, channel: str) -> Call:
    """Turn a hazard into a call; it is then dispatched like any other."""
    require_role(actor, DUTY_ROLES)
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.call_id is not None:
        return hazard.call
    call = call_take(
        actor=actor,
        office=hazard.office,
        category=HAZARD_CATEGORY.get(hazard.kind, CallCategory.OTHER),
        description=f"{hazard.get_kind_display()}: {hazard.description}".strip(": "),
        place_area=hazard.place_area,
        address=hazard.address,
        latitude=hazard.latitude,
        longitude=hazard.longitude,
        source=CallSource.PATROL,
        channel=channel,
    )
    hazard.call = call
    hazard.status = HazardStatus.FOLLOWED_UP
    hazard.save(update_fields=["call", "status"])
    return call


@transaction.atomic
def hazard_resolve(*, actor, hazard: Hazard, channel: str) -> Hazard:
    require_role(actor, DUTY_ROLES)
    Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.RESOLVED)
    hazard.refresh_from_db()
    audit(actor, action=AuditAction.UPDATE, object_type="hazard", pk=hazard.pk, channel=channel)
    return hazard
