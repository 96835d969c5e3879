"""Planning a region: one VillagePlan per village (households, workers, its point,
its grids, its mix of naming traditions)."""

from __future__ import annotations

import random
from collections.abc import Iterable

import numpy as np
from django.utils.translation import gettext

from doorstep.areas.models import Area, AreaLevel
from doorstep.demo.synth.tables import (
    DEFAULT_CENTRE,
    KAZAKH_NAME_SHARE,
    POINT_SPREAD,
    PROVINCE_CENTRES,
    UYGHUR_NAME_SHARE,
    Grid,
    SynthError,
    VillagePlan,
)

# --- planning ---------------------------------------------------------------------


def _share(table: tuple[tuple[str, float], ...], code: str) -> float:
    return next(value for prefix, value in table if code.startswith(prefix))


def _largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to `weights` that add up to exactly `total`."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    raw = [w * total / weight_sum for w in weights]
    counts = [int(x) for x in raw]
    short = total - sum(counts)
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[:short]:
        counts[i] += 1
    return counts


def _is_community(name: str) -> bool:
    return name.endswith(("社区", "居委会"))


def plan_region(
    *,
    households: int,
    workers: int,
    seed: int,
    roots: Iterable[Area] | None = None,
    fixed: dict[str, int] | None = None,
) -> list[VillagePlan]:
    """One plan per village below `roots` (all villages when None), by county and code.

    `fixed` pins the household count of some villages (by code); the rest of
    `households` is spread over the others by a seeded lognormal weight, communities
    weighing more. Workers follow households.
    """
    rows = list(
        Area.objects.order_by("code").values_list(
            "pk", "code", "name", "level", "parent_id", "path", "latitude", "longitude"
        )
    )
    by_id = {row[0]: row for row in rows}
    root_paths = [root.path for root in roots] if roots is not None else None

    def inside(path: str) -> bool:
        return root_paths is None or any(path.startswith(p) for p in root_paths)

    grids_of: dict[int, list[tuple]] = {}
    villages: dict[int, tuple] = {}
    for row in rows:
        pk, _code, _name, level, parent_id, path, _lat, _lon = row
        if level == AreaLevel.VILLAGE and inside(path):
            villages[pk] = row
        elif level == AreaLevel.GRID and (
            inside(path) or (parent_id in by_id and inside(by_id[parent_id][5]))
        ):
            grids_of.setdefault(parent_id, []).append(row)
            if parent_id in by_id and by_id[parent_id][3] == AreaLevel.VILLAGE:
                villages.setdefault(parent_id, by_id[parent_id])
    if not villages:
        raise SynthError(gettext("There is no village below the chosen area."))

    def ancestor(row: tuple, level: str) -> tuple | None:
        current = by_id.get(row[4])
        while current is not None:
            if current[3] == level:
                return current
            current = by_id.get(current[4])
        return None

    points: dict[int, tuple[float, float, bool]] = {}

    def point_of(row: tuple) -> tuple[float, float, bool]:
        """(latitude, longitude, generated). A missing point is placed near the
        parent's (itself generated if need be), so that a second run, which finds
        the points the first one stored, derives the same points below them."""
        if row[6] is not None and row[7] is not None:
            return row[6], row[7], False
        if row[0] in points:
            return points[row[0]]
        rnd = random.Random(f"point:{row[1]}")
        parent = by_id.get(row[4])
        if parent is None:
            lat0, lon0 = PROVINCE_CENTRES.get(row[1][:2], DEFAULT_CENTRE)
            spread = 0.4
        else:
            lat0, lon0, _generated = point_of(parent)
            spread = POINT_SPREAD[parent[3]]
        lat = round(lat0 + rnd.uniform(-spread, spread), 6)
        lon = round(lon0 + rnd.uniform(-spread, spread) * 1.3, 6)
        points[row[0]] = (lat, lon, True)
        return points[row[0]]

    nrng = np.random.default_rng([seed, 1])
    plans: list[VillagePlan] = []
    for pk in sorted(villages, key=lambda k: villages[k][1]):
        row = villages[pk]
        township = ancestor(row, AreaLevel.TOWNSHIP)
        county = ancestor(row, AreaLevel.COUNTY)
        county_code = county[1] if county else row[1][:6]
        if not (len(county_code) == 6 and county_code.isdigit()):
            county_code = (row[1][:6] if row[1][:6].isdigit() else "650000").ljust(6, "0")
        lat, lon, generated = point_of(row)
        community = _is_community(row[2])
        base = _share(UYGHUR_NAME_SHARE, row[1]) * (0.75 if community else 1.0)
        # Villages are mostly of one tradition or the other: a Beta draw around the
        # prefecture's share, not the share itself everywhere.
        uyghur = float(nrng.beta(base * 4, (1 - base) * 4)) if 0 < base < 1 else base
        grids = tuple(Grid(g[0], g[1], *point_of(g)) for g in grids_of.get(pk, []))
        plans.append(
            VillagePlan(
                area_id=pk,
                code=row[1],
                name=row[2],
                township=township[2] if township else "",
                township_id=township[0] if township else None,
                county_code=county_code,
                county_id=county[0] if county else None,
                latitude=lat,
                longitude=lon,
                coordinates_generated=generated,
                community=community,
                xinjiang=row[1].startswith("65"),
                uyghur_share=uyghur,
                kazakh_share=_share(KAZAKH_NAME_SHARE, row[1]),
                grids=grids,
            )
        )

    fixed = fixed or {}
    weights = nrng.lognormal(0.0, 0.45, size=len(plans)).tolist()
    free = [i for i, p in enumerate(plans) if p.code not in fixed]
    remaining = households - sum(fixed.get(p.code, 0) for p in plans)
    if remaining < 0:
        raise SynthError(gettext("The fixed household counts exceed the total."))
    counts = _largest_remainder(
        [weights[i] * (2.5 if plans[i].community else 1.0) for i in free], remaining
    )
    for i, count in zip(free, counts, strict=True):
        plans[i].households = count
    for p in plans:
        if p.code in fixed:
            p.households = fixed[p.code]
    for p, count in zip(
        plans, _largest_remainder([float(p.households) for p in plans], workers), strict=True
    ):
        p.workers = count
    # Grouped by county so that ID-number counters can be per county (a village's code
    # need not start with its county's: statistics and civil-affairs codes differ).
    plans.sort(key=lambda p: (p.county_code, p.code))
    return plans
