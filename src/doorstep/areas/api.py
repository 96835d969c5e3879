"""/api/v1/areas: the area tree, within the caller's own subtree.

Areas are not personal data, but a staff member still navigates only below their own
area (areas.selectors); an area outside it answers 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from doorstep.areas.models import AreaLevel
from doorstep.areas.selectors import area_by_code_for, area_for, areas_visible_to
from doorstep.core.pagination import BadCursor, keyset_page
from doorstep.core.schemas import MAX_ID, Id, Text, error_responses

router = Router()

AreaId = Annotated[int, Path(ge=1, le=MAX_ID, description="Area id.")]
CodePath = Annotated[Text, Path(min_length=1, max_length=20, description="Division code.")]


class AreaOut(Schema):
    id: int
    code: str = Field(description="Official division code (12 digits for a village).")
    name: str
    level: AreaLevel
    parent_id: int | None = Field(
        description="May lie outside your area (your own area's parent): not openable."
    )
    latitude: float | None
    longitude: float | None
    is_generated: bool = Field(description="Not official data (a generated grid).")
    coordinates_generated: bool = Field(
        description="Coordinates placed near the county centre, not surveyed."
    )


class AreaListQuery(Schema):
    parent: Id | None = Field(None, description="List this area's children; default: your area.")
    cursor: Text | None = Field(
        None, max_length=512, description="next_cursor of the previous page."
    )
    limit: int = Field(200, ge=1, le=500, description="Page size.")


class AreaPageOut(Schema):
    items: list[AreaOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


@router.get(
    "",
    response={200: AreaPageOut, **error_responses()},
    summary="List the children of an area",
    description="Ordered by code, one keyset page at a time.",
)
def areas_list(request, filters: Query[AreaListQuery]):
    user = request.auth
    if filters.parent is None:
        parent_id = user.area_id
    else:
        try:
            parent_id = area_for(user, filters.parent).pk
        except Http404:
            raise ValidationError(
                {"parent": _("There is no area with this id in your area.")}
            ) from None
    children = areas_visible_to(user).filter(parent_id=parent_id)
    try:
        page = keyset_page(children, key="code", cursor=filters.cursor, size=filters.limit)
    except BadCursor:
        raise ValidationError(
            {"cursor": _("This cursor is not valid; start again from the first page.")}
        ) from None
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/by-code/{code}",
    response={200: AreaOut, **error_responses(404)},
    summary="Open an area by its code",
)
def areas_by_code(request, code: CodePath):
    return area_by_code_for(request.auth, code)


@router.get("/{area_id}", response={200: AreaOut, **error_responses(404)}, summary="Open an area")
def areas_get(request, area_id: AreaId):
    return area_for(request.auth, area_id)
