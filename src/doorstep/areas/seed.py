"""Loading area files into the tree: the demo set shipped in areas/data, or any file of
the same shape. Used by `manage.py load_areas` and by the demo command.

A file is CSV (optionally gzipped) with the columns of `COLUMNS`, parents listed
before their children. Loading is idempotent: areas whose code exists are skipped,
so a second run adds nothing and an updated file only adds what is new.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from doorstep.areas.models import LEVEL_ORDER, Area
from doorstep.areas.services import areas_bulk_create

# Built by areas/data/build_demo_areas.py; see docs/decisions/0001-area-data.md.
DEMO_AREAS_FILE = Path(__file__).resolve().parent / "data" / "demo_areas.csv.gz"

COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "latitude",
    "longitude",
    "is_generated",
    "coordinates_generated",
)
_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n", ""}


class AreaFileError(ValueError):
    """The file cannot be loaded; the message names the line."""


def _open_text(path: Path) -> io.TextIOBase:
    # Sniff the gzip magic number rather than trust the file name.
    with path.open("rb") as raw:
        magic = raw.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _flag(value: str, *, line: int, column: str) -> bool:
    value = (value or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise AreaFileError(
        _("Line %(line)s: %(column)s must be 0 or 1, not “%(value)s”.")
        % {"line": line, "column": column, "value": value}
    )


def _coordinate(value: str, *, line: int, column: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise AreaFileError(
            _("Line %(line)s: %(column)s is not a number: “%(value)s”.")
            % {"line": line, "column": column, "value": value}
        ) from None


def read_area_file(path: Path | str) -> Iterator[dict]:
    """Rows of an area file as dicts ready for `areas_bulk_create`, in file order."""
    path = Path(path)
    with _open_text(path) as stream:
        reader = csv.DictReader(stream)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise AreaFileError(
                _("%(file)s: missing columns %(columns)s.")
                % {"file": path.name, "columns": ", ".join(sorted(missing))}
            )
        for line, raw in enumerate(reader, start=2):
            code = (raw["code"] or "").strip()
            level = (raw["level"] or "").strip()
            if not code:
                raise AreaFileError(_("Line %(line)s: the code is empty.") % {"line": line})
            if level not in LEVEL_ORDER:
                raise AreaFileError(
                    _("Line %(line)s: unknown level “%(level)s”.") % {"line": line, "level": level}
                )
            yield {
                "code": code,
                "name": (raw["name"] or "").strip(),
                "level": level,
                "parent_code": (raw["parent_code"] or "").strip() or None,
                "latitude": _coordinate(raw["latitude"], line=line, column="latitude"),
                "longitude": _coordinate(raw["longitude"], line=line, column="longitude"),
                "is_generated": _flag(raw["is_generated"], line=line, column="is_generated"),
                "coordinates_generated": _flag(
                    raw["coordinates_generated"], line=line, column="coordinates_generated"
                ),
            }


def _check_levels(rows: list[dict], known_levels: dict[str, str]) -> None:
    """Every area sits below its parent's level and only regions have no parent: the
    rule of Area.clean, checked here once per row because bulk inserts skip clean()."""
    levels = dict(known_levels)
    for row in rows:
        levels[row["code"]] = row["level"]
    for row in rows:
        parent = row["parent_code"]
        if parent is None:
            if row["level"] != "region":
                raise AreaFileError(
                    _("Area %(code)s: only a region may have no parent.") % {"code": row["code"]}
                )
            continue
        if parent not in levels:
            raise AreaFileError(
                _("Area %(code)s: parent %(parent)s not found.")
                % {"code": row["code"], "parent": parent}
            )
        if LEVEL_ORDER.index(row["level"]) <= LEVEL_ORDER.index(levels[parent]):
            raise AreaFileError(
                _("Area %(code)s must sit below the level of its parent %(parent)s.")
                % {"code": row["code"], "parent": parent}
            )


def load_area_file(path: Path | str = DEMO_AREAS_FILE) -> dict[str, int]:
    """Add the areas of `path` that are not in the tree yet; returns how many were
    added per level (every level present, zeros included, in hierarchy order)."""
    rows = list(read_area_file(path))
    with transaction.atomic():
        existing = dict(Area.objects.values_list("code", "level"))
        new_rows = [row for row in rows if row["code"] not in existing]
        _check_levels(new_rows, existing)
        # Parents first whatever the file order: a level sort is enough, because
        # a parent is always of a higher level.
        new_rows.sort(key=lambda row: LEVEL_ORDER.index(row["level"]))
        areas_bulk_create(new_rows)
    counts = Counter(row["level"] for row in new_rows)
    return {level: counts.get(level, 0) for level in LEVEL_ORDER}
