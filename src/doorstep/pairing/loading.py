"""From the database to the optimizer's arrays (optimizer/problem.py) for one area.

Reads, for the households under the area: location (the village's when the household
has none), preferred languages, vulnerability, open needs, the active pairing; for
the staff who may serve them (the area's workers and team leaders, and the members of
units twinned with its villages) and the staff currently paired with them: base
location (their area's when unset), languages, skills, unit and what they already
hold outside the area. Read in a fixed number of queries, streamed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q

from doorstep.accounts.models import User
from doorstep.areas.models import Area, AreaLevel, subtree_range
from doorstep.casework.models import UNRESOLVED, Need, Pairing, Twinning, UnitMember
from doorstep.casework.services.common import PAIRABLE_ROLES
from doorstep.pairing.optimizer.problem import Problem, project
from doorstep.registry.models import Household, HouseholdVulnerability, households_under

# Which staff skills fit a household's open need (accounts.User.skills holds codes such
# as "health,social_work"; see demo/synth/tables.STAFF_SKILLS). A need with no entry
# here ("other") puts no penalty on anyone.
NEED_SKILLS: dict[str, tuple[str, ...]] = {
    "housing": ("construction",),
    "medical_costs": ("health",),
    "employment": ("social_work", "finance"),
    "training": ("education",),
    "income": ("finance", "agriculture"),
    "education": ("education",),
    "elderly_care": ("health", "social_work"),
    "disability_support": ("health", "social_work"),
    "village_infrastructure": ("construction", "water"),
    "legal_aid": ("legal",),
}
SKILL_CODES = sorted({s for skills in NEED_SKILLS.values() for s in skills})
SKILL_BIT = {code: 1 << i for i, code in enumerate(SKILL_CODES)}


@dataclass
class Loaded:
    problem: Problem
    household_ids: np.ndarray
    worker_ids: np.ndarray
    cell_ids: np.ndarray
    languages: list[str]
    fingerprint: dict  # twinnings and unit members as read, checked again on apply


def _codes(text: str) -> list[str]:
    return [c.strip().lower() for c in (text or "").split(",") if c.strip()]


# Vulnerability is read here only ("vulnerable first"), so a move of it from households
# to residents touches this one function.
def _vulnerable_household_ids(area: Area):
    """Households under `area` with a vulnerability ("vulnerable first")."""
    return (
        HouseholdVulnerability.objects.filter(households_under(area, via="household__"))
        .values_list("household_id", flat=True)
        .iterator(chunk_size=20000)
    )


def eligibility_fingerprint() -> dict:
    """Changes to twinnings or unit membership between computing and applying a plan
    make it stale (its eligibility was read before them)."""
    t = Twinning.objects.aggregate(n=Count("id"), ended=Count("ended_on"))
    m = UnitMember.objects.aggregate(n=Count("id"))
    last_t = Twinning.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_m = UnitMember.objects.order_by("-pk").values_list("pk", flat=True).first()
    return {"twinnings": [t["n"], t["ended"], last_t], "members": [m["n"], last_m]}


def load(area: Area, *, capacity: int) -> Loaded:
    low, high = subtree_range(area.path)
    # Households (streamed: one row per household, no model instances).
    rows = list(
        Household.objects.within(area)
        .order_by()
        .values_list("pk", "area_id", "latitude", "longitude", "languages")
        .iterator(chunk_size=20000)
    )
    H = len(rows)
    h_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=H)
    h_area = np.fromiter((r[1] for r in rows), dtype=np.int64, count=H)
    h_lat = np.fromiter((np.nan if r[2] is None else r[2] for r in rows), np.float64, count=H)
    h_lon = np.fromiter((np.nan if r[3] is None else r[3] for r in rows), np.float64, count=H)
    h_lang_text = [r[4] for r in rows]
    del rows

    # Cells: the areas households live in, with their ancestors for fallbacks.
    cell_ids, h_cell = np.unique(h_area, return_inverse=True)
    cells = {a.pk: a for a in Area.objects.filter(pk__in=cell_ids.tolist())}
    ancestor_ids = {pk for a in cells.values() for pk in a.ancestor_ids}
    ancestors = {
        a["pk"]: a
        for a in Area.objects.filter(pk__in=ancestor_ids).values(
            "pk", "level", "latitude", "longitude", "path"
        )
    }

    def located(area_obj_ids: list[int]) -> tuple[float, float]:
        for pk in reversed(area_obj_ids):
            a = ancestors.get(pk)
            if a and a["latitude"] is not None and a["longitude"] is not None:
                return a["latitude"], a["longitude"]
        return np.nan, np.nan

    def county_of(ids: list[int]) -> int:
        for pk in ids:
            if ancestors.get(pk, {}).get("level") == AreaLevel.COUNTY:
                return pk
        return -1

    cell_path = [cells[int(pk)].path for pk in cell_ids]
    cell_loc = np.array([located(cells[int(pk)].ancestor_ids) for pk in cell_ids]).reshape(-1, 2)
    cell_county_id = np.array([county_of(cells[int(pk)].ancestor_ids) for pk in cell_ids])
    missing = np.isnan(h_lat) | np.isnan(h_lon)
    h_lat[missing] = cell_loc[h_cell[missing], 0]
    h_lon[missing] = cell_loc[h_cell[missing], 1]

    index = {int(pk): i for i, pk in enumerate(h_ids)}
    h_vulnerable = np.zeros(H, dtype=bool)
    for hid in _vulnerable_household_ids(area):
        h_vulnerable[index[hid]] = True
    h_need = np.zeros(H, dtype=np.uint32)
    for hid, category in (
        Need.objects.filter(households_under(area, via="household__"), status__in=UNRESOLVED)
        .values_list("household_id", "category")
        .iterator(chunk_size=20000)
    ):
        mask = 0
        for skill in NEED_SKILLS.get(category, ()):
            mask |= SKILL_BIT[skill]
        h_need[index[hid]] |= mask
    paired_here = Pairing.objects.active().filter(households_under(area, via="household__"))
    current = dict(paired_here.values_list("household_id", "worker_id").iterator(chunk_size=20000))

    # Staff: the area's pairable staff, members of units twinned into it, and
    # whoever is paired with its households now.
    village_ids = Area.objects.filter(path__gte=low, path__lt=high).values("pk")
    twinnings = list(
        Twinning.objects.filter(ended_on__isnull=True, village_id__in=village_ids).values_list(
            "unit_id", "village__path"
        )
    )
    units = {u for u, _p in twinnings}
    # Two reads, never "A OR id IN (subquery)": at regional scale that subquery is
    # too big to hash and PostgreSQL would run it once per staff row.
    pairable = User.objects.filter(is_active=True, role__in=PAIRABLE_ROLES)
    columns = (
        "pk",
        "latitude",
        "longitude",
        "languages",
        "skills",
        "area__path",
    )
    staff = list(
        pairable.filter(
            Q(area__path__gte=low, area__path__lt=high) | Q(unit_memberships__unit_id__in=units)
        )
        .distinct()
        .values_list(*columns)
    )
    found = {row[0] for row in staff}
    elsewhere = sorted(set(current.values()) - found)  # paired here, based elsewhere
    for i in range(0, len(elsewhere), 5000):
        staff += list(pairable.filter(pk__in=elsewhere[i : i + 5000]).values_list(*columns))
    staff.sort(key=lambda row: row[0])
    # A member of several units (casework.membership) serves the villages of each.
    staff_units: dict[int, list[int]] = {}
    staff_ids = [row[0] for row in staff]
    for i in range(0, len(staff_ids), 5000):
        for user_id, unit_id in UnitMember.objects.filter(
            user_id__in=staff_ids[i : i + 5000]
        ).values_list("user_id", "unit_id"):
            staff_units.setdefault(user_id, []).append(unit_id)
    W = len(staff)
    w_ids = np.array([s[0] for s in staff], dtype=np.int64)
    w_index = {int(pk): i for i, pk in enumerate(w_ids)}
    # Pairings the staff hold outside the area count against their capacity: all
    # their active pairings (one pass over the active-pairing index) minus those here.
    inside: dict[int, int] = {}
    for worker_id in current.values():
        inside[worker_id] = inside.get(worker_id, 0) + 1
    outside = {}
    for worker_id, n in (
        Pairing.objects.active()
        .values("worker_id")
        .annotate(n=Count("id"))
        .values_list("worker_id", "n")
        .iterator(chunk_size=50000)
    ):
        if worker_id in w_index and n > inside.get(worker_id, 0):
            outside[worker_id] = n - inside.get(worker_id, 0)
    # Every unit's twinned village paths (all of them: a unit twinned into the area
    # may also be twinned elsewhere, which does not matter here).
    unit_villages: dict[int, list[str]] = {}
    for unit_id, path in Twinning.objects.filter(
        ended_on__isnull=True, unit_id__in=units
    ).values_list("unit_id", "village__path"):
        unit_villages.setdefault(unit_id, []).append(path)
    order = sorted(range(len(cell_path)), key=lambda i: cell_path[i])
    sorted_paths = [cell_path[i] for i in order]

    def cells_under(path: str) -> list[int]:
        lo, hi = subtree_range(path)
        a, b = bisect.bisect_left(sorted_paths, lo), bisect.bisect_left(sorted_paths, hi)
        return [order[i] for i in range(a, b)]

    class_key: dict[tuple, int] = {}
    class_rows: list[list[int]] = []
    w_class = np.zeros(W, dtype=np.int32)
    w_xy_ll = np.full((W, 2), np.nan)
    w_county = np.full(W, -1, dtype=np.int64)
    w_lang_text, w_skill = [], np.zeros(W, dtype=np.uint32)
    # Officials of a unit (twinned units: the pairing-relatives programme).
    w_twin = np.array([bool(staff_units.get(s[0])) for s in staff], dtype=bool).reshape(-1)
    needed = {
        int(p)
        for s in staff
        if s[5]
        for p in s[5].strip("/").split("/")
        if p and int(p) not in ancestors
    }
    if needed:
        for a in Area.objects.filter(pk__in=needed).values(
            "pk", "level", "latitude", "longitude", "path"
        ):
            ancestors[a["pk"]] = a
    for i, (_pk, lat, lon, langs, skills, path) in enumerate(staff):
        unit_ids = tuple(sorted(staff_units.get(_pk, ())))
        ids = [int(p) for p in (path or "").strip("/").split("/") if p]
        if lat is None or lon is None:
            lat, lon = located(ids)
        w_xy_ll[i] = (lat, lon)
        w_county[i] = county_of(ids)
        w_lang_text.append(langs)
        for code in _codes(skills):
            w_skill[i] |= SKILL_BIT.get(code, 0)
        key = ("unit", unit_ids) if unit_ids else ("area", path or "")
        if key not in class_key:
            class_key[key] = len(class_rows)
            if unit_ids:
                covered = sorted(
                    {c for u in unit_ids for p in unit_villages.get(u, []) for c in cells_under(p)}
                )
            else:
                covered = cells_under(path) if path else []
            class_rows.append(covered)
        w_class[i] = class_key[key]
    cap = np.array([capacity - outside.get(int(pk), 0) for pk in w_ids], dtype=np.int64)

    languages = sorted({c for t in h_lang_text + w_lang_text for c in _codes(t)})[:32]
    bit = {code: 1 << i for i, code in enumerate(languages)}

    def lang_mask(texts: list[str]) -> np.ndarray:
        return np.array(
            [sum(bit.get(c, 0) for c in set(_codes(t))) for t in texts], dtype=np.uint32
        ).reshape(-1)

    all_lat = np.concatenate([h_lat, w_xy_ll[:, 0]])
    lat0 = float(np.nanmean(all_lat)) if np.isfinite(all_lat).any() else 0.0
    all_lon = np.concatenate([h_lon, w_xy_ll[:, 1]])
    lon0 = float(np.nanmean(all_lon)) if np.isfinite(all_lon).any() else 0.0
    county_ids, cell_county = np.unique(
        np.concatenate([cell_county_id, w_county]), return_inverse=True
    )
    n_cells = len(cell_ids)
    # -1 (unknown county) stays -1 so that the same-county rule never matches it.
    cell_cty = np.where(cell_county_id >= 0, cell_county[:n_cells], -1)
    w_cty = np.where(w_county >= 0, cell_county[n_cells:], -1)
    class_ptr = np.zeros(len(class_rows) + 1, dtype=np.int64)
    class_ptr[1:] = np.cumsum([len(r) for r in class_rows])
    class_cells = (
        np.concatenate([np.asarray(r, dtype=np.int32) for r in class_rows])
        if class_rows
        else np.zeros(0, np.int32)
    )
    h_current = np.array(
        [w_index.get(current.get(int(pk), -1), -1) for pk in h_ids], dtype=np.int32
    ).reshape(-1)
    problem = Problem(
        h_xy=project(h_lat, h_lon, lat0=lat0, lon0=lon0).reshape(H, 2),
        h_cell=h_cell.astype(np.int32).reshape(-1),
        h_lang=lang_mask(h_lang_text),
        h_need=h_need,
        h_vulnerable=h_vulnerable,
        h_current=h_current,
        w_xy=project(w_xy_ll[:, 0], w_xy_ll[:, 1], lat0=lat0, lon0=lon0).reshape(W, 2),
        w_lang=lang_mask(w_lang_text),
        w_skill=w_skill,
        w_cap=np.maximum(cap, 0).astype(np.int32),
        w_class=w_class,
        w_county=w_cty.astype(np.int32),
        cell_county=cell_cty.astype(np.int32),
        class_ptr=class_ptr,
        class_cells=class_cells,
        w_twin=w_twin,
    )
    return Loaded(
        problem=problem,
        household_ids=h_ids,
        worker_ids=w_ids,
        cell_ids=cell_ids.astype(np.int64),
        languages=languages,
        fingerprint=eligibility_fingerprint(),
    )
