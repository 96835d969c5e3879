"""Optional columns that higher apps add to the household file, so that registry
imports none of them (monitoring adds the poverty status this way).

An app registers an `ExtraColumns` from its AppConfig.ready. Its columns are read
from the head's row like the household columns, are optional in the file, and are
written by the export after the registry's own columns:
- `check(values)` parses the values (one per column, "" when absent) without touching
  the database (it runs in the import's reader thread) and returns (parsed, errors);
  errors are (column offset, translated message); parsed None means nothing to write;
- `write(rows, user)` runs inside the import's transaction after each batch of
  households is written, with (household id, parsed) for the households that have any;
- `export(ids, chinese)` returns {household id: values} for the export's head rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExtraColumns:
    columns: tuple[tuple[str, str, str], ...]  # (key, English header, Chinese header)
    check: Callable[[list[str]], tuple[Any, list[tuple[int, str]]]]
    write: Callable[[list[tuple[int, Any]], Any], None]
    export: Callable[[list[int], bool], dict[int, list[Any]]]


_extras: list[ExtraColumns] = []


def register_extra_columns(extra: ExtraColumns) -> None:
    if extra not in _extras:
        _extras.append(extra)


def extras() -> list[ExtraColumns]:
    return list(_extras)


def extra_headers(*, chinese: bool) -> list[str]:
    return [zh if chinese else en for extra in _extras for _key, en, zh in extra.columns]


def extra_width() -> int:
    return sum(len(extra.columns) for extra in _extras)
