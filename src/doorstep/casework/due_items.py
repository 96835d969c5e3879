"""Other apps' work that belongs on a worker's due list.

The due list (selectors.due_list_for) is built from the contact schedule. Welfare
checks, placement follow-ups and the like are owned by other apps; each registers a
provider here (in its AppConfig.ready) so that casework never imports them. A provider
takes (worker, today) and returns DueItems for that worker only, in a bounded number of
queries whatever the worker's load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

DueItemProvider = Callable[[object, dt.date], "list[DueItem]"]


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


def register_due_items(provider: DueItemProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def due_items_for(worker, today: dt.date) -> list[DueItem]:
    items: list[DueItem] = []
    for provider in _providers:
        items.extend(provider(worker, today))
    # Pinned first, then the oldest due date, then a stable tie-break.
    items.sort(key=lambda i: (not i.pinned, i.due_on, i.kind, i.household_id or 0))
    return items
