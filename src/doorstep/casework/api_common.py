"""What every casework API module shares: the audit channel, the Idempotency-Key
header, the error shape and the idempotent write with casework's conflicts answered
(409 with the current need). api.py, api_welfare.py and api_questions.py import it;
it imports none of them, so the three form no cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Header

from doorstep.casework import selectors, services
from doorstep.casework.api_schemas import NeedOut
from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent

CHANNEL = "api:v1:casework"

IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]


def _dump(schema, obj) -> dict:
    return schema.from_orm(obj).model_dump(mode="json")


def error(status: int, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": [], **extra}, status=status)


def write(
    request: HttpRequest, key: UUID | None, payload: Any, run: Callable[[], tuple[int, Any]]
) -> HttpResponse:
    try:
        status, body, replayed = idempotent(
            user=request.auth,
            key=key,
            endpoint=f"{request.method} {request.path}",
            payload=payload,
            run=run,
        )
    except PermissionDenied as exc:
        return error(403, str(exc) or _("Your role does not allow this."))
    except services.NeedConflict as conflict:
        current = (
            selectors.needs_visible_to(request.auth)
            .select_related("household", "owner")
            .get(pk=conflict.current.pk)
        )
        return error(
            409,
            _("Someone else changed this need after you read it."),
            current=_dump(NeedOut, current),
            changed_fields=conflict.changed_fields,
        )
    response = JsonResponse(body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response
