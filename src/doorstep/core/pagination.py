"""Keyset pagination: WHERE key > last ORDER BY key LIMIT n+1, never OFFSET or COUNT(*).

At millions of rows OFFSET reads and discards every earlier row and COUNT(*) reads
them all; a keyset page costs the same on page 1 and page 10,000.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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


def keyset_page(qs: QuerySet, *, key: str, cursor: str | None, size: int) -> Page:
    """Page `qs` ordered by one unique column `key` (ascending)."""
    after = decode_cursor(cursor, width=1)[0] if cursor else None
    if after is not None:
        qs = qs.filter(**{f"{key}__gt": after})
    rows = list(qs.order_by(key)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode_cursor([getattr(rows[-1], key)]) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor, has_previous=after is not None)
