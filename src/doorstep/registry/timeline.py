"""One timeline of everything that happened to a household, newest first, paged.

Registry imports none of the apps built on it (no import cycles; `core` at the
bottom), yet the household page shows their visits, needs, help, income, flags and
monitoring decisions. Each app registers a provider here from its AppConfig.ready():

    register_timeline_provider(provider)

A provider is `(viewer, household, before, limit) -> list[TimelineEntry]`: the
household's entries of that app that sort before `before` (None: from the newest),
newest first, at most `limit` of them, in a bounded number of queries (one per kind of
record, whatever the household's history). It returns only what `viewer` may see in
that app (its own role checks), and gives an entry a `url` only when the viewer may
open the record there.

`household_timeline` asks every provider for one page's worth, merges and cuts: a page
costs the same number of queries on the first page and the hundredth (keyset on
(at, source, pk), never OFFSET). The household itself comes from `household_for`
(scoped, 404 outside the caller's reach, audited), on the page and on each "show more"
request alike (registry.views).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from doorstep.core.pagination import BadCursor, Page, decode_cursor, encode_cursor

TIMELINE_PAGE_SIZE = 20


@dataclass(frozen=True)
class TimelineCursor:
    """Where a page ended: entries sorting strictly before (at, source, pk) come next."""

    at: dt.datetime
    source: str
    pk: int

    def encode(self) -> str:
        return encode_cursor([self.at.isoformat(), self.source, self.pk])

    @classmethod
    def decode(cls, cursor: str) -> TimelineCursor:
        at_text, source, pk = decode_cursor(cursor, width=3)
        if not isinstance(at_text, str) or not isinstance(source, str) or not isinstance(pk, int):
            raise BadCursor("malformed cursor")
        try:
            at = dt.datetime.fromisoformat(at_text)
        except ValueError as exc:
            raise BadCursor("malformed cursor") from exc
        if timezone.is_naive(at) or len(source) > 40:
            raise BadCursor("malformed cursor")
        return cls(at=at, source=source, pk=pk)


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime  # aware; a record that only has a date is at the start of that day
    # The record's kind, unique per table ("casework.contact"): with pk it identifies
    # the entry and breaks ties between entries at the same moment.
    source: str
    pk: int
    # What the page groups and marks by: visit, call, need, referral, help, income,
    # flag, monitoring.
    category: str
    label: str  # translated: what kind of entry it is ("Visit", "Need resolved")
    summary: str  # translated, one line
    url: str = ""  # the record's page, only when the viewer may open it

    @property
    def sort_key(self) -> tuple:
        return (self.at, self.source, self.pk)

    @property
    def is_date_only(self) -> bool:
        local = timezone.localtime(self.at)
        return local.time() == dt.time(0)


TimelineProvider = Callable[[object, object, "TimelineCursor | None", int], "list[TimelineEntry]"]

_providers: list[TimelineProvider] = []


def register_timeline_provider(provider: TimelineProvider) -> None:
    """Called from an AppConfig.ready(); registering the same function twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


# --- helpers for providers ------------------------------------------------------------


def day_start(day: dt.date) -> dt.datetime:
    """A date-only record's place on the timeline: the start of that day, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


def before_q(field: str, source: str, before: TimelineCursor | None, *, dates: bool = False) -> Q:
    """The rows of one source that sort strictly before `before`, as a filter on the
    record's time column `field` (a DateField when `dates`, placed at day_start) and
    its primary key. Sort order: (at, source, pk) descending."""
    if before is None:
        return Q()
    at = before.at
    if dates:
        day = timezone.localtime(at).date()
        if at > day_start(day):
            # The cursor is later that day than any date-only record of the day.
            return Q(**{f"{field}__lte": day})
        earlier, same = Q(**{f"{field}__lt": day}), Q(**{field: day})
    else:
        earlier, same = Q(**{f"{field}__lt": at}), Q(**{field: at})
    if source < before.source:
        return earlier | same
    if source == before.source:
        return earlier | (same & Q(pk__lt=before.pk))
    return earlier


# --- the selector ---------------------------------------------------------------------


def household_timeline(
    viewer, household, *, cursor: str | None = None, size: int = TIMELINE_PAGE_SIZE
) -> Page[TimelineEntry]:
    """One page of `household`'s timeline for `viewer`, newest first.

    `household` must come from registry.selectors.household_for (scoped and audited
    for this viewer). Raises BadCursor on a cursor this function did not make.
    """
    before = TimelineCursor.decode(cursor) if cursor else None
    entries: list[TimelineEntry] = []
    for provider in _providers:
        entries.extend(provider(viewer, household, before, size + 1))
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    if before is not None:
        # A provider's own filter already did this; kept as a guard on the merge.
        key = (before.at, before.source, before.pk)
        entries = [e for e in entries if e.sort_key < key]
    more = len(entries) > size
    items = entries[:size]
    next_cursor = None
    if more and items:
        last = items[-1]
        next_cursor = TimelineCursor(at=last.at, source=last.source, pk=last.pk).encode()
    return Page(items=items, next_cursor=next_cursor, has_previous=before is not None)
