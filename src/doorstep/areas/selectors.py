"""Reads of the area tree, scoped to the caller. Areas are not personal data, but a
staff member still only navigates and assigns within their own subtree."""

from __future__ import annotations

from django.http import Http404

from doorstep.areas.models import Area, AreaQuerySet


def areas_visible_to(user) -> AreaQuerySet:
    if not user.is_authenticated or not user.is_active or user.area_id is None:
        return Area.objects.none()
    return Area.objects.within(user.area)


def area_for(user, area_id: int) -> Area:
    area = areas_visible_to(user).filter(pk=area_id).first()
    if area is None:
        raise Http404
    return area


def area_by_code_for(user, code: str) -> Area:
    area = areas_visible_to(user).filter(code=code).first()
    if area is None:
        raise Http404
    return area
