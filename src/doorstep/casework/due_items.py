"""Other apps' work that belongs on a worker's due list.

The due list (selectors.due_list_for) is built from the contact schedule. Welfare
checks, placement follow-ups and the like are owned by other apps; each registers a
provider here (in its AppConfig.ready) so that casework never imports them. A provider
takes (worker, today) and returns DueItems for that worker only, in a bounded number of
queries whatever the worker's load.

Most workers have nothing pinned on most days, yet each provider costs a query or two
to say so. A provider may therefore register a probe: (worker, today) → a QuerySet that
is non-empty exactly when the provider has something (or None when it certainly has
nothing). All probes are answered by one query, `SELECT i WHERE EXISTS (...) UNION ALL
...`, and only providers whose probe found rows are called (issue 16: the due list is
the hot path). A provider without a probe is always called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

DueItemProvider = Callable[[object, dt.date], "list[DueItem]"]
DueItemProbe = Callable[[object, dt.date], "QuerySet | None"]


@dataclass(frozen=True)
class DueItem:
    kind: str  # stable machine name, e.g. "welfare_check", "placement_follow_up"
    label: str  # translated, says what is to be done
    due_on: dt.date
    url: str  # the page where the worker does it
    household_id: int | None = None
    household_no: str = ""
    head_name: str = ""
    detail: str = ""  # translated, one line of context
    # Welfare checks go above the contact schedule: an emergency round outranks routine.
    pinned: bool = False

    def days_overdue(self, today: dt.date) -> int:
        return max((today - self.due_on).days, 0)


_providers: list[DueItemProvider] = []
_probes: dict[DueItemProvider, DueItemProbe] = {}


def register_due_items(provider: DueItemProvider, *, probe: DueItemProbe | None = None) -> None:
    if provider not in _providers:
        _providers.append(provider)
    if probe is not None:
        _probes[provider] = probe


def _providers_with_work(worker, today: dt.date) -> list[DueItemProvider]:
    """The providers to call: those without a probe, and those whose probe has rows,
    all probes answered in one query."""
    unprobed, probed = [], []
    for provider in _providers:
        probe = _probes.get(provider)
        if probe is None:
            unprobed.append(provider)
            continue
        queryset = probe(worker, today)
        if queryset is not None:
            probed.append((provider, queryset))
    if not probed:
        return unprobed
    parts, params = [], []
    for index, (_provider, queryset) in enumerate(probed):
        sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"SELECT {index} WHERE EXISTS ({sql})")  # noqa: S608 - our own SQL
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        hits = {row[0] for row in cursor.fetchall()}
    with_work = {probed[i][0] for i in hits}
    # Keep the registration order.
    return [p for p in _providers if p in with_work or p in unprobed]


def due_items_for(worker, today: dt.date) -> list[DueItem]:
    items: list[DueItem] = []
    for provider in _providers_with_work(worker, today):
        items.extend(provider(worker, today))
    # Pinned first, then the oldest due date, then a stable tie-break.
    items.sort(key=lambda i: (not i.pinned, i.due_on, i.kind, i.household_id or 0))
    return items
