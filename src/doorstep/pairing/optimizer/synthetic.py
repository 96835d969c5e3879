"""A synthetic region straight in NumPy, for benchmarks and property tests.

Counties of villages; households around their village; village staff around their
village (some villages short of staff, some with none), units based at the county
seat twinned with a few villages of their county, a few county-wide staff. Languages:
bit 0 Chinese, bit 1 Uyghur, bit 2 Kazakh. Today's pairings: most households are
paired with someone of their own village's staff, within capacity.
"""

from __future__ import annotations

import numpy as np

from doorstep.pairing.optimizer.problem import Problem, project

N_SKILLS = 10


def region(
    households: int,
    workers: int,
    *,
    seed: int = 1,
    capacity: int = 2,
    households_per_village: int = 140,
    paired_share: float = 0.8,
) -> Problem:
    rng = np.random.default_rng(seed)
    n_villages = max(1, households // households_per_village)
    n_counties = max(1, n_villages // 135)
    # County seats over a 1,200 × 1,000 km box; villages within ~20 km of the seat.
    c_lat = rng.uniform(36.0, 46.0, n_counties)
    c_lon = rng.uniform(76.0, 92.0, n_counties)
    v_county = np.sort(rng.integers(0, n_counties, n_villages)).astype(np.int32)
    v_lat = c_lat[v_county] + rng.normal(0, 0.15, n_villages)
    v_lon = c_lon[v_county] + rng.normal(0, 0.2, n_villages)
    # Households: village sizes vary (lognormal), about `households` in all.
    weight = rng.lognormal(0, 0.5, n_villages)
    h_cell = rng.choice(n_villages, size=households, p=weight / weight.sum()).astype(np.int32)
    h_cell.sort()
    h_lat = v_lat[h_cell] + rng.normal(0, 0.008, households)
    h_lon = v_lon[h_cell] + rng.normal(0, 0.01, households)
    lat0, lon0 = float(np.mean(c_lat)), float(np.mean(c_lon))
    h_xy = project(h_lat, h_lon, lat0=lat0, lon0=lon0)

    # Workers: 70% village staff, 27% unit staff, 3% county-wide.
    n_village_staff = int(workers * 0.70)
    n_county_staff = int(workers * 0.03)
    n_unit_staff = workers - n_village_staff - n_county_staff
    staff_weight = weight * rng.lognormal(0, 0.6, n_villages)
    staff_weight[rng.random(n_villages) < 0.03] = 0  # villages with no staff of their own
    vs_cell = rng.choice(n_villages, size=n_village_staff, p=staff_weight / staff_weight.sum())
    n_units = max(1, n_unit_staff // 40)
    u_county = rng.integers(0, n_counties, n_units)
    us_unit = rng.integers(0, n_units, n_unit_staff)
    cs_county = rng.integers(0, n_counties, n_county_staff)

    w_lat = np.concatenate(
        [
            v_lat[vs_cell] + rng.normal(0, 0.015, n_village_staff),
            c_lat[u_county[us_unit]] + rng.normal(0, 0.02, n_unit_staff),
            c_lat[cs_county] + rng.normal(0, 0.02, n_county_staff),
        ]
    )
    w_lon = np.concatenate(
        [
            v_lon[vs_cell] + rng.normal(0, 0.02, n_village_staff),
            c_lon[u_county[us_unit]] + rng.normal(0, 0.025, n_unit_staff),
            c_lon[cs_county] + rng.normal(0, 0.025, n_county_staff),
        ]
    )
    w_xy = project(w_lat, w_lon, lat0=lat0, lon0=lon0)
    # Classes: one per village (its staff), one per unit, one per county.
    w_class = np.concatenate(
        [vs_cell, n_villages + us_unit, n_villages + n_units + cs_county]
    ).astype(np.int32)
    w_county = np.concatenate([v_county[vs_cell], u_county[us_unit], cs_county]).astype(np.int32)
    # Units twin 3–6 villages of their county.
    v_by_county = np.argsort(v_county, kind="stable")
    vc_ptr = np.searchsorted(v_county[v_by_county], np.arange(n_counties + 1))
    rows: list[np.ndarray] = [np.array([v]) for v in range(n_villages)]
    for u in range(n_units):
        pool = v_by_county[vc_ptr[u_county[u]] : vc_ptr[u_county[u] + 1]]
        if len(pool) == 0:
            rows.append(np.zeros(0, dtype=np.int64))
            continue
        rows.append(rng.choice(pool, size=min(len(pool), int(rng.integers(3, 7))), replace=False))
    for c in range(n_counties):
        rows.append(v_by_county[vc_ptr[c] : vc_ptr[c + 1]])
    class_ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    class_ptr[1:] = np.cumsum([len(r) for r in rows])
    class_cells = np.concatenate(rows).astype(np.int32)

    # Languages.
    u = rng.random(households)
    h_lang = np.select([u < 0.55, u < 0.85, u < 0.95], [2, 1, 3], 4).astype(np.uint32)
    u = rng.random(workers)
    w_lang = np.select([u < 0.50, u < 0.85, u < 0.97], [1, 3, 2], 5).astype(np.uint32)
    # Needs: 30% have an open need that one or two skills fit.
    need_skill = rng.integers(0, N_SKILLS, households)
    h_need = np.where(rng.random(households) < 0.3, 1 << need_skill, 0).astype(np.uint32)
    s1 = rng.integers(0, N_SKILLS, workers)
    s2 = rng.integers(0, N_SKILLS, workers)
    w_skill = ((1 << s1) | np.where(rng.random(workers) < 0.4, 1 << s2, 0)).astype(np.uint32)
    h_vulnerable = rng.random(households) < 0.2
    w_cap = np.full(workers, capacity, dtype=np.int32)

    # Today's pairings: village staff of the household's own village, within capacity.
    h_current = np.full(households, -1, dtype=np.int32)
    staff = np.arange(n_village_staff)
    s_order = np.argsort(vs_cell, kind="stable")
    s_ptr = np.searchsorted(vs_cell[s_order], np.arange(n_villages + 1))
    h_ptr = np.searchsorted(h_cell, np.arange(n_villages + 1))
    for v in range(n_villages):
        hs = np.arange(h_ptr[v], h_ptr[v + 1])
        ss = staff[s_order[s_ptr[v] : s_ptr[v + 1]]]
        if len(hs) == 0 or len(ss) == 0:
            continue
        slots = rng.permutation(np.repeat(ss, capacity))
        take = rng.permutation(hs)[: int(len(hs) * paired_share)][: len(slots)]
        h_current[take] = slots[: len(take)]
    return Problem(
        h_xy=h_xy,
        h_cell=h_cell,
        h_lang=h_lang,
        h_need=h_need,
        h_vulnerable=h_vulnerable,
        h_current=h_current,
        w_xy=w_xy,
        w_lang=w_lang,
        w_skill=w_skill,
        w_cap=w_cap,
        w_class=w_class,
        w_county=w_county,
        cell_county=v_county,
        class_ptr=class_ptr,
        class_cells=class_cells,
    )
