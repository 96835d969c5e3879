"""Replay-safe writes for the API: the same Idempotency-Key twice does the write once.

A handler passes its write as a function returning (status, JSON-ready body). The
first call with a key runs it and stores the answer in the same transaction; a
replay (same user, same key) gets the stored answer without running anything. A
write that fails (422, 409) rolls back together with its key, so the client may
send the same key again once it has fixed the request.

Concurrent replays on PostgreSQL: the second INSERT of the key waits on the unique
index until the first transaction ends, then reads the first answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _

from doorstep.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
HEADER_DESCRIPTION = (
    "Optional client-generated UUID. Sending the same key again (same user, same "
    "endpoint, same body) does not repeat the write: it returns the first answer, "
    "with the header Idempotent-Replayed: true. Keys are per user."
)


def request_digest(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    *,
    user,
    key: UUID | None,
    endpoint: str,
    payload: Any,
    run: Callable[[], tuple[int, Any]],
    resident_id: int | None = None,
) -> tuple[int, Any, bool]:
    """Run `run` at most once per (user, key), or per (resident, key) for the resident
    portal (`user` None); return (status, body, replayed)."""
    owner: dict[str, Any] = {"resident_id": resident_id} if resident_id else {"user": user}
    with transaction.atomic():
        if key is None:
            status, body = run()
            return status, body, False
        digest = request_digest(payload)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    **owner, key=key, endpoint=endpoint[:200], request_digest=digest
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(**owner, key=key)
            if record.endpoint != endpoint[:200] or record.request_digest != digest:
                raise ValidationError(
                    {HEADER: _("This key was already used for a different request.")}
                ) from None
            return record.response_status, record.response_body, True
        status, body = run()
        record.response_status = status
        record.response_body = body
        record.save(update_fields=["response_status", "response_body"])
        return status, body, False


def idempotent_response(
    request, key: UUID | None, payload: Any, run: Callable[[], tuple[int, Any]]
):
    """`idempotent` for an API handler: the answer as a JsonResponse, marked when it is
    a replay; a PermissionDenied from the service becomes 403 in the API's error shape.
    Handlers with their own conflict answers (409) catch those around this call."""
    try:
        status, body, replayed = idempotent(
            user=request.auth,
            key=key,
            endpoint=f"{request.method} {request.path}",
            payload=payload,
            run=run,
        )
    except PermissionDenied as exc:
        detail = str(exc) or _("Your role does not allow this.")
        return JsonResponse({"detail": detail, "errors": []}, status=403)
    response = JsonResponse(body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response
