"""What the livelihoods API modules share (api.py, api_loops.py): the audit channel,
the Idempotency-Key header, path ids, paging, reading checks and the income body.
It imports neither of them, so the two form no cycle."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Header, Path

from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION
from doorstep.core.pagination import BadCursor, decode_cursor, encode_cursor
from doorstep.core.schemas import MAX_ID
from doorstep.livelihoods import api_schemas as s
from doorstep.livelihoods import selectors
from doorstep.livelihoods.matching import reason_text
from doorstep.livelihoods.models import HouseholdYear, IncomeRecord

CHANNEL = "api:v1:livelihoods"
IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _dump(schema, obj) -> dict:
    return schema.from_orm(obj).model_dump(mode="json")


def _reader(request) -> None:
    if not selectors.can_read(request.auth):
        raise Http404


def _page(qs, query: s.PageQuery) -> dict:
    """Newest first, keyset on id."""
    try:
        before = decode_cursor(query.cursor, width=1)[0] if query.cursor else None
    except BadCursor:
        raise ValidationError(
            {"cursor": _("This cursor is not valid; start again from the first page.")}
        ) from None
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {
        "items": rows,
        "next_cursor": encode_cursor([rows[-1].pk]) if more and rows else None,
    }


def _reasons(reasons: list[dict]) -> list[dict]:
    return [
        {"factor": r["factor"], "points": r["points"], "max": r["max"], "text": reason_text(r)}
        for r in reasons
    ]


def _skills(ids: list[int]):
    wanted = set(ids)
    found = [sk for sk in selectors.skills() if sk.pk in wanted]
    if len(found) != len(wanted):
        raise ValidationError({"skills": _("Choose skills from the catalogue.")})
    return found


def _income_body(household_id: int) -> dict:
    sources: dict[int, dict] = {}
    for year, source, amount in IncomeRecord.objects.filter(household_id=household_id).values_list(
        "year", "source", "amount"
    ):
        sources.setdefault(year, {})[source] = amount
    years = []
    for y in HouseholdYear.objects.filter(household_id=household_id).order_by("year"):
        row = _dump(s.YearOut, y)
        row["by_source"] = {k: str(v) for k, v in sources.get(y.year, {}).items()}
        years.append(row)
    return {"household": household_id, "years": years}
