"""Keyset pagination: WHERE key > last ORDER BY key LIMIT n+1, never OFFSET or COUNT(*).

At millions of rows OFFSET reads and discards every earlier row and COUNT(*) reads
them all; a keyset page costs the same on page 1 and page 10,000.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import QuerySet

T = TypeVar("T")


class BadCursor(ValueError):
    pass


def encode_cursor(values: list[Any]) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def decode_cursor(cursor: str, *, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("malformed cursor") from exc
    if not isinstance(values, list) or len(values) != width:
        raise BadCursor("malformed cursor")
    if not all(isinstance(v, str | int) for v in values):
        raise BadCursor("malformed cursor")
    # A forged cursor must fail here, not in the database: PostgreSQL refuses NUL in
    # text, a bigint column refuses a huge number, and no driver takes a lone surrogate.
    for v in values:
        if isinstance(v, int) and not -(2**63) <= v < 2**63:
            raise BadCursor("malformed cursor")
        if isinstance(v, str) and ("\x00" in v or not v.isprintable() and _unencodable(v)):
            raise BadCursor("malformed cursor")
    return values


def _unencodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    has_previous: bool


_TEXT_FIELDS = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


def _check_types(meta, keys: tuple[str, ...], values: list[Any]) -> None:
    # A cursor with a number where the column holds text is forged: PostgreSQL would
    # refuse the comparison with an error, which must be a 400, not a 500.
    for name, value in zip(keys, values, strict=True):
        wants_text = meta.get_field(name).get_internal_type() in _TEXT_FIELDS
        if wants_text != isinstance(value, str):
            raise BadCursor("malformed cursor")


def keyset_page(qs: QuerySet, *, key: str | tuple[str, ...], cursor: str | None, size: int) -> Page:
    """Page `qs` ascending by `key`: one unique column, or columns unique together.

    Several columns compare as a row, `(a, b) > (x, y)`, which PostgreSQL and SQLite
    both evaluate as one index condition on an index over (a, b).
    """
    keys = (key,) if isinstance(key, str) else key
    after = decode_cursor(cursor, width=len(keys)) if cursor else None
    if after is not None:
        _check_types(qs.model._meta, keys, after)
        if len(keys) == 1:
            qs = qs.filter(**{f"{keys[0]}__gt": after[0]})
        else:
            meta = qs.model._meta
            table = connection.ops.quote_name(meta.db_table)
            columns = ", ".join(
                f"{table}.{connection.ops.quote_name(meta.get_field(k).column)}" for k in keys
            )
            placeholders = ", ".join(["%s"] * len(keys))
            # The ORM has no row comparison; extra() keeps it one indexable condition.
            qs = qs.extra(where=[f"({columns}) > ({placeholders})"], params=after)  # noqa: S610
    rows = list(qs.order_by(*keys)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode_cursor([getattr(rows[-1], k) for k in keys]) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor, has_previous=after is not None)
