"""Background work for pairing plans. Tasks take primary keys, never instances.

`compute_plan` lives in pairing.services beside `plan_compute` (services enqueue it,
and services never import this module); it is named here for the task queue, whose
rows written before it moved still point at this module."""

from __future__ import annotations

from doorstep.pairing.services import compute_plan

__all__ = ["compute_plan"]
