"""Writes to the area tree. `path` is derived here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from doorstep.areas.models import Area
from doorstep.core.bulk import allocate_ids, bulk_insert


@transaction.atomic
def area_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Area | None,
    latitude: float | None = None,
    longitude: float | None = None,
    is_generated: bool = False,
    coordinates_generated: bool = False,
) -> Area:
    area = Area(
        code=code,
        name=name,
        level=level,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
        is_generated=is_generated,
        coordinates_generated=coordinates_generated,
    )
    area.full_clean(exclude=["path"])
    area.save()
    area.path = f"{parent.path if parent else '/'}{area.pk}/"
    area.save(update_fields=["path"])
    return area


def areas_bulk_create(rows: Iterable[dict], *, batch_size: int = 5000) -> int:
    """Insert areas given parent-first, each dict with a `parent_code` (or None).

    Used by the seed loader and synth: ids are taken in batches (core.bulk) so that
    paths can be written in the same pass, with no per-area query and no second
    UPDATE pass; PostgreSQL gets COPY. Areas whose code exists are skipped, so a
    repeated load adds nothing. Returns how many were inserted.

    Rows are not `full_clean`ed: callers check levels (areas.seed does).
    """
    created = 0
    by_code: dict[str, tuple[int, str]] = {
        code: (pk, path) for pk, code, path in Area.objects.values_list("pk", "code", "path")
    }

    def insert(chunk: list[dict]) -> None:
        nonlocal created
        ids = allocate_ids(Area, len(chunk))
        values = []
        for pk, row in zip(ids, chunk, strict=True):
            parent_code = row.get("parent_code")
            if parent_code:
                parent = by_code.get(parent_code)
                if parent is None:
                    raise ValueError(f"area {row['code']}: parent {parent_code} not found")
                parent_id, path = parent[0], f"{parent[1]}{pk}/"
            else:
                parent_id, path = None, f"/{pk}/"
            by_code[row["code"]] = (pk, path)
            values.append(
                (
                    pk,
                    row["code"],
                    row["name"],
                    row["level"],
                    parent_id,
                    path,
                    row.get("latitude"),
                    row.get("longitude"),
                    bool(row.get("is_generated", False)),
                    bool(row.get("coordinates_generated", False)),
                )
            )
        created += bulk_insert(Area, _BULK_FIELDS, values, batch_size=batch_size)

    with transaction.atomic():
        chunk: list[dict] = []
        pending: set[str] = set()
        for row in rows:
            if row["code"] in by_code or row["code"] in pending:
                continue
            chunk.append(row)
            pending.add(row["code"])
            if len(chunk) >= batch_size:
                insert(chunk)
                chunk, pending = [], set()
        if chunk:
            insert(chunk)
    return created


# Column order of the tuples areas_bulk_create hands to core.bulk.bulk_insert.
_BULK_FIELDS = [
    "id",
    "code",
    "name",
    "level",
    "parent",
    "path",
    "latitude",
    "longitude",
    "is_generated",
    "coordinates_generated",
]
