"""Audit events that must outlive the transaction they were noticed in.

A write refused for a unique clash (registry.services.unique_policy) rolls back its
transaction, and often the caller's too (core.idempotency runs every API write in one),
so an event written there would vanish with it. `audit_after_rollback` writes at once
when no transaction is open, and otherwise keeps the event until
`DeferredAuditMiddleware` writes it after the view has returned, outside any
transaction of the request.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import connection

from doorstep.privacy.services import audit_record

_pending: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "doorstep_deferred_audit", default=None
)


def audit_after_rollback(**event: Any) -> None:
    pending = _pending.get()
    if pending is None or not connection.in_atomic_block:
        audit_record(**event)
        return
    pending.append(event)


class DeferredAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pending.set([])
        try:
            response = self.get_response(request)
        finally:
            pending = _pending.get() or []
            _pending.reset(token)
            for event in pending:
                audit_record(**event)
        return response
