"""Writes to the area tree. `path` is derived here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from doorstep.areas.models import Area


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

    Used by the seed loader and synth: ids are taken in batches so that paths can be
    written in the same pass without one query per area.
    """
    created = 0
    by_code: dict[str, tuple[int, str]] = dict(
        (code, (pk, path)) for pk, code, path in Area.objects.values_list("pk", "code", "path")
    )
    batch: list[dict] = []

    def flush() -> None:
        nonlocal created
        if not batch:
            return
        objs = []
        for row in batch:
            parent = by_code.get(row["parent_code"]) if row.get("parent_code") else None
            objs.append(
                Area(
                    code=row["code"],
                    name=row["name"],
                    level=row["level"],
                    parent_id=parent[0] if parent else None,
                    latitude=row.get("latitude"),
                    longitude=row.get("longitude"),
                    is_generated=row.get("is_generated", False),
                    coordinates_generated=row.get("coordinates_generated", False),
                )
            )
        Area.objects.bulk_create(objs, batch_size=batch_size)
        # bulk_create sets pks on PostgreSQL and SQLite >= 3.35; re-read to be safe on both.
        fresh = dict(Area.objects.filter(code__in=[o.code for o in objs]).values_list("code", "pk"))
        for obj, row in zip(objs, batch, strict=True):
            obj.pk = fresh[obj.code]
            parent = by_code.get(row["parent_code"]) if row.get("parent_code") else None
            obj.path = f"{parent[1] if parent else '/'}{obj.pk}/"
            by_code[obj.code] = (obj.pk, obj.path)
        Area.objects.bulk_update(objs, ["path"], batch_size=batch_size)
        created += len(objs)
        batch.clear()

    with transaction.atomic():
        for row in rows:
            if row["code"] in by_code:
                continue
            if row.get("parent_code") and row["parent_code"] not in by_code:
                # The parent is in the pending batch: write it first.
                flush()
                if row["parent_code"] not in by_code:
                    raise ValueError(f"area {row['code']}: parent {row['parent_code']} not found")
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        flush()
    return created
