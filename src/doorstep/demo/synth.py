"""A synthetic region: households, residents and staff, reproducible from a seed.

Used by `manage.py synth` (benchmarks at 1.69 million households), `manage.py demo`
and the import benchmark (CSV mode). Nothing here is real: names come from pools,
ID numbers are generated with valid check digits, coordinates are placed around
village points that are themselves generated where the area data has none.

Shape of the run:
  plan_region()        one VillagePlan per village: how many households and workers,
                       its point, its grids, its mix of naming traditions.
  village_households() a generator of HouseholdRecord for one village, seeded by
                       (seed, village code): same seed and areas, same households.
  synth_region()       writes plans to the database in chunks (core.bulk: COPY on
                       PostgreSQL) with bounded memory; synth_csv() writes the same
                       households in the import format instead.

Nothing records religion, ethnicity or risk: a name is a name and a language code
only says which language to speak at the door.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import math
import random
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple, TextIO

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.core.bulk import allocate_ids, analyze, bulk_insert
from doorstep.demo import names
from doorstep.registry.models import (
    Household,
    HouseholdVulnerability,
    Relationship,
    Resident,
    Vulnerability,
)
from doorstep.registry.validators import _ID_CHECK, _ID_WEIGHTS

# Ages are counted at this date, not today, so that a seed gives the same birth
# dates (and ID numbers) whenever it is run.
REFERENCE_DATE = dt.date(2026, 1, 1)

# Household sizes 1..7: rural Xinjiang and Gansu households average about 3.5
# people (1.69 million households hold about 6 million residents).
SIZE_P = (0.09, 0.18, 0.23, 0.24, 0.15, 0.07, 0.04)

# Share of households whose names follow the Uyghur tradition, by prefecture code
# prefix (first match wins); Kazakh names are a small share in the same areas.
UYGHUR_NAME_SHARE = (("6531", 0.90), ("6529", 0.72), ("65", 0.50), ("", 0.0))
KAZAKH_NAME_SHARE = (("65", 0.01), ("", 0.0))

# Where an area and all its ancestors lack coordinates: a point in the province.
PROVINCE_CENTRES = {"65": (41.17, 80.26), "62": (35.38, 103.86)}
DEFAULT_CENTRE = (36.0, 104.0)
# How far (degrees of latitude) a generated point strays from its parent's point.
POINT_SPREAD = {
    AreaLevel.REGION: 1.5,
    AreaLevel.PREFECTURE: 0.5,
    AreaLevel.COUNTY: 0.15,
    AreaLevel.TOWNSHIP: 0.04,
    AreaLevel.VILLAGE: 0.004,
    AreaLevel.GRID: 0.001,
}

MOBILE_PREFIXES = tuple(
    str(p) for p in (130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155)
) + tuple(str(p) for p in (156, 157, 158, 159, 166, 177, 180, 181, 182, 186, 187, 188, 189, 199))

# Resident occupations and skills are data values in Chinese (what a worker would
# type), not interface text, so they are not translated.
RURAL_WORK = (("务农", 0.58), ("外出务工", 0.2), ("个体经营", 0.08), ("本地务工", 0.09), ("", 0.05))
URBAN_WORK = (("职工", 0.35), ("个体经营", 0.2), ("服务业", 0.2), ("外出务工", 0.1), ("", 0.15))
RESIDENT_SKILLS = ("种植", "养殖", "驾驶", "电工", "缝纫", "烹饪", "刺绣", "维修", "建筑", "电商")
STAFF_SKILLS = (
    "agriculture",
    "health",
    "education",
    "finance",
    "tourism",
    "construction",
    "legal",
    "social_work",
    "it",
    "water",
)

# Conditional probabilities of each vulnerability given that a household is eligible,
# calibrated (tests/test_synth.py::test_vulnerability_rates_are_near_the_targets) so
# that the overall rates land near: elderly alone 3%, left-behind senior 4%, widowed
# elderly 3%, disability 5%, serious illness 2%, low income 8%, five-guarantee 0.5%,
# unemployed member 6%, left-behind child 3%.
P_ELDERLY_ALONE = 0.68
P_WIDOWED_ELDERLY = 0.24
P_LEFT_BEHIND_SENIOR = 0.69
P_FIVE_GUARANTEE = 0.11
P_LEFT_BEHIND_CHILD_SKIPPED = 0.55  # grandparents raising grandchildren
P_LEFT_BEHIND_CHILD_OTHER = 0.014
P_UNEMPLOYED = 0.066
P_DISABILITY = 0.05
P_SERIOUS_ILLNESS = 0.02
P_LOW_INCOME = 0.072

HOUSEHOLD_FIELDS = [
    "id",
    "household_no",
    "area",
    "address",
    "latitude",
    "longitude",
    "phone",
    "languages",
    "annual_income",
    "created_at",
    "updated_at",
    "version",
]
RESIDENT_FIELDS = [
    "household",
    "name",
    "sex",
    "birth_date",
    "relationship",
    "phone",
    "id_number",
    "occupation",
    "skills",
    "created_at",
    "updated_at",
]
USER_FIELDS = [
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "role",
    "area",
    "phone",
    "languages",
    "skills",
    "latitude",
    "longitude",
]
CSV_COLUMNS = [
    "household_no",
    "name",
    "relationship",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "area_code",
    "address",
    "longitude",
    "latitude",
    "annual_income",
    "vulnerability",
    "languages",
]
# An unusable password ("!" prefix, see django.contrib.auth.hashers): synthetic staff
# never sign in, and hashing a million passwords would take hours.
UNUSABLE_PASSWORD = "!"  # noqa: S105 - the marker of no password, not a password


class SynthError(ValueError):
    pass


class Grid(NamedTuple):
    area_id: int
    code: str
    latitude: float
    longitude: float
    coordinates_generated: bool


@dataclass
class VillagePlan:
    area_id: int
    code: str
    name: str
    township: str
    township_id: int | None
    county_code: str
    county_id: int | None
    latitude: float
    longitude: float
    coordinates_generated: bool
    community: bool
    xinjiang: bool
    uyghur_share: float
    kazakh_share: float
    grids: tuple[Grid, ...] = ()
    households: int = 0
    workers: int = 0


class ResidentRecord(NamedTuple):
    name: str
    sex: str
    birth_date: str
    relationship: str
    phone: str
    id_number: str | None
    occupation: str
    skills: str


class HouseholdRecord(NamedTuple):
    household_no: str
    area_id: int
    area_code: str
    address: str
    latitude: float
    longitude: float
    phone: str
    languages: str
    annual_income: int
    vulnerabilities: tuple[str, ...]
    residents: tuple[ResidentRecord, ...]


@dataclass
class SynthResult:
    villages: int = 0
    households: int = 0
    residents: int = 0
    vulnerabilities: int = 0
    workers: int = 0
    leaders: int = 0
    counts_by_category: dict[str, int] = field(default_factory=dict)


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


# --- people -----------------------------------------------------------------------


class IdNumbers:
    """Resident ID numbers (GB 11643) unique within a run: a counter per county,
    birth date and sex gives the 3-digit order code (odd for men, even for women)."""

    _ORDER_SUM = tuple(
        sum(int(d) * w for d, w in zip(f"{o:03d}", _ID_WEIGHTS[14:], strict=True))
        for o in range(1000)
    )

    def __init__(self, taken: set[str] | None = None) -> None:
        self._county = ""
        self._county_sum = 0
        self._counters: dict[int, int] = {}
        self._taken = taken
        self._dates: dict[int, tuple[str, int]] = {}

    def county(self, code: str, taken: set[str] | None = None) -> None:
        if code != self._county:
            self._county = code
            self._county_sum = sum(int(d) * w for d, w in zip(code, _ID_WEIGHTS[:6], strict=True))
            self._counters = {}
            self._taken = taken

    def _date(self, ordinal: int) -> tuple[str, int]:
        cached = self._dates.get(ordinal)
        if cached is None:
            text = dt.date.fromordinal(ordinal).strftime("%Y%m%d")
            cached = (text, sum(int(d) * w for d, w in zip(text, _ID_WEIGHTS[6:14], strict=True)))
            self._dates[ordinal] = cached
        return cached

    def make(self, ordinal: int, sex: str) -> tuple[str, int]:
        """(ID number, birth ordinal): the birth date moves a day on in the rare case
        that a date's 499 order codes for that sex are used up."""
        female = sex == "F"
        while True:
            key = ordinal * 2 + female
            k = self._counters.get(key, 0)
            if k >= 499:
                ordinal += 1
                continue
            self._counters[key] = k + 1
            order = 2 * k + (2 if female else 1)
            text, date_sum = self._date(ordinal)
            body = f"{self._county}{text}{order:03d}"
            number = body + _ID_CHECK[(self._county_sum + date_sum + self._ORDER_SUM[order]) % 11]
            if self._taken is not None and number in self._taken:
                continue
            return number, ordinal


class _Namer:
    """Names for one household's naming tradition."""

    def __init__(self, r: random.Random, style: str) -> None:
        self.r = r
        self.style = style
        if style == "han":
            self.surnames, self.cum, self.male, self.female = names.han_pools()
        elif style == "kk":
            self.male, self.female = names.KAZAKH_MALE, names.KAZAKH_FEMALE
        else:
            self.male, self.female = names.UYGHUR_MALE, names.UYGHUR_FEMALE

    def surname(self) -> str:
        r = self.r
        return self.surnames[bisect.bisect(self.cum, r.random() * self.cum[-1])]

    def given(self, sex: str) -> str:
        pool = self.male if sex == "M" else self.female
        return pool[int(self.r.random() * len(pool))]

    def full(self, given: str, family: str) -> str:
        """`family`: the surname (Han) or the father's given name (Uyghur, Kazakh)."""
        return family + given if self.style == "han" else given + "·" + family

    def family_of_father(self, father_given: str, father_surname: str) -> str:
        return father_surname if self.style == "han" else father_given

    def random_family(self) -> str:
        return self.surname() if self.style == "han" else self.given("M")


def _compose(r: random.Random, size: int) -> tuple[list[list], bool]:
    """Members as [relationship, sex, age, parent index or None]; True when the
    household skips a generation (grandparents raising grandchildren)."""
    if size == 1:
        age = r.uniform(62, 90) if r.random() < 0.48 else r.uniform(20, 60)
        sex = "F" if age >= 62 and r.random() < 0.55 else ("M" if r.random() < 0.75 else "F")
    elif size == 2:
        age, sex = r.triangular(22, 86, 62), "M" if r.random() < 0.85 else "F"
    else:
        age, sex = r.triangular(24, 82, 42), "M" if r.random() < 0.88 else "F"
    members: list[list] = [[Relationship.HEAD, sex, age, None]]
    slots = size - 1
    if slots and r.random() < (0.9 if age < 62 else 0.62):
        spouse_age = max(18.5, age + r.gauss(-2.5 if sex == "M" else 2.5, 3))
        members.append([Relationship.SPOUSE, "F" if sex == "M" else "M", spouse_age, None])
        slots -= 1
    skipped = age >= 55 and slots >= 1 and r.random() < 0.22
    if skipped:
        grand_age = age - r.uniform(44, 56)
        while slots and grand_age > 0.3:
            members.append([Relationship.GRANDCHILD, r.choice("MF"), grand_age, None])
            grand_age -= r.uniform(1.5, 4)
            slots -= 1
    elif age >= 56 and slots >= 2 and r.random() < 0.55:
        child_age = age - r.uniform(22, 32)
        child = len(members)
        members.append([Relationship.CHILD, "M" if r.random() < 0.7 else "F", child_age, 0])
        slots -= 1
        if slots >= 2 and r.random() < 0.7:
            in_law_sex = "F" if members[child][1] == "M" else "M"
            in_law_age = max(18.5, child_age + r.gauss(-2, 3))
            members.append([Relationship.OTHER, in_law_sex, in_law_age, None])
            slots -= 1
        grand_age = child_age - r.uniform(21, 30)
        while slots and grand_age > 0.3:
            members.append([Relationship.GRANDCHILD, r.choice("MF"), grand_age, child])
            grand_age -= r.uniform(1.5, 4)
            slots -= 1
    else:
        child_age = age - r.uniform(21, 33)
        while slots and child_age > 0.3:
            members.append([Relationship.CHILD, r.choice("MF"), child_age, 0])
            child_age -= r.uniform(1.2, 4)
            slots -= 1
    parents = 0
    while slots and parents < 2 and age + 22 < 96:
        parent_age = min(97.0, age + r.uniform(22, 34))
        members.append([Relationship.PARENT, "M" if parents == 0 else "F", parent_age, None])
        parents += 1
        slots -= 1
    while slots:
        members.append(
            [Relationship.SIBLING, r.choice("MF"), max(0.5, age + r.uniform(-8, 8)), None]
        )
        slots -= 1
    return members, skipped


def _pick(r: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    x = r.random()
    for value, p in table:
        x -= p
        if x < 0:
            return value
    return table[-1][0]


def _mobile(r: random.Random) -> str:
    return (
        MOBILE_PREFIXES[int(r.random() * len(MOBILE_PREFIXES))] + f"{r.randrange(100_000_000):08d}"
    )


def village_households(
    plan: VillagePlan, *, seed: int, ids: IdNumbers, reference: dt.date = REFERENCE_DATE
) -> Iterator[HouseholdRecord]:
    """The households of one village; deterministic in (seed, plan)."""
    n = plan.households
    if n <= 0:
        return
    r = random.Random(f"{seed}:{plan.code}")
    nrng = np.random.default_rng([seed, zlib.crc32(plan.code.encode())])
    sizes = (nrng.choice(7, size=n, p=SIZE_P) + 1).tolist()
    offsets = nrng.normal(0.0, 1.0, size=(n, 2)).tolist()
    incomes = nrng.lognormal(math.log(36000), 0.55, size=n).tolist()
    low_incomes = nrng.lognormal(math.log(9000), 0.35, size=n).tolist()
    spread = 0.0015 if plan.community else 0.004
    ref_ordinal = reference.toordinal()
    grids = plan.grids
    work = URBAN_WORK if plan.community else RURAL_WORK
    for i in range(n):
        serial = i + 1
        x = r.random()
        style = (
            "ug"
            if x < plan.uyghur_share
            else ("kk" if x < plan.uyghur_share + plan.kazakh_share else "han")
        )
        namer = _Namer(r, style)
        members, skipped = _compose(r, sizes[i])
        head_age = members[0][2]

        # Names: a child carries the father's surname (Han) or given name (Uyghur).
        givens = [namer.given(m[1]) for m in members]
        head_sex = members[0][1]
        head_family = namer.random_family()
        spouse_index = next((j for j, m in enumerate(members) if m[0] == Relationship.SPOUSE), None)
        spouse_family = namer.random_family()
        if head_sex == "M":
            kids_family = namer.family_of_father(givens[0], head_family)
        elif spouse_index is not None:
            kids_family = namer.family_of_father(givens[spouse_index], spouse_family)
        else:
            kids_family = namer.random_family()
        in_law = next((j for j, m in enumerate(members) if m[0] == Relationship.OTHER), None)
        grand_father_family = namer.random_family()
        fathers_father = namer.random_family()
        full_names = []
        for j, (rel, sex, _age, parent) in enumerate(members):
            if rel == Relationship.HEAD:
                family = head_family
            elif rel == Relationship.SPOUSE:
                family = spouse_family
            elif rel == Relationship.CHILD:
                family = kids_family
            elif rel == Relationship.GRANDCHILD:
                if parent is not None and members[parent][1] == "M":
                    family = namer.family_of_father(givens[parent], kids_family)
                elif in_law is not None and members[in_law][1] == "M":
                    family = grand_father_family
                else:
                    family = kids_family if namer.style == "han" else grand_father_family
            elif rel == Relationship.PARENT:
                # The head's father is the one whose given name the head carries.
                if sex == "M" and namer.style != "han":
                    givens[j] = head_family
                    family = fathers_father
                else:
                    family = head_family if sex == "M" else namer.random_family()
            elif rel == Relationship.SIBLING:
                family = head_family
            else:
                family = namer.random_family()
            full_names.append(namer.full(givens[j], family))

        # Vulnerabilities, consistent with the members' ages where it is cheap.
        ages = [m[2] for m in members]
        working = [j for j, a in enumerate(ages) if 18 <= a < 60]
        elderly_head = head_age >= 60
        alone = len(members) == 1
        vulns: list[str] = []
        if alone and elderly_head and r.random() < P_ELDERLY_ALONE:
            vulns.append(Vulnerability.ELDERLY_ALONE)
        if elderly_head and spouse_index is None and r.random() < P_WIDOWED_ELDERLY:
            vulns.append(Vulnerability.WIDOWED_ELDERLY)
        if elderly_head and not working and not alone and r.random() < P_LEFT_BEHIND_SENIOR:
            vulns.append(Vulnerability.LEFT_BEHIND_SENIOR)
        if alone and elderly_head and r.random() < P_FIVE_GUARANTEE:
            vulns.append(Vulnerability.FIVE_GUARANTEE)
        if any(a < 16 for a in ages):
            p = P_LEFT_BEHIND_CHILD_SKIPPED if skipped else P_LEFT_BEHIND_CHILD_OTHER
            if r.random() < p:
                vulns.append(Vulnerability.LEFT_BEHIND_CHILD)
        unemployed = None
        if working and r.random() < P_UNEMPLOYED:
            vulns.append(Vulnerability.UNEMPLOYED)
            unemployed = working[int(r.random() * len(working))]
        if r.random() < P_DISABILITY:
            vulns.append(Vulnerability.DISABILITY)
        if r.random() < P_SERIOUS_ILLNESS * (1.6 if elderly_head else 0.8):
            vulns.append(Vulnerability.SERIOUS_ILLNESS)
        low = Vulnerability.FIVE_GUARANTEE in vulns or r.random() < P_LOW_INCOME
        if low:
            vulns.append(Vulnerability.LOW_INCOME)
            income = low_incomes[i]
        else:
            income = incomes[i] * (0.7 + 0.15 * len(working))
        income_yuan = int(round(income, -2))

        residents = []
        household_phone = ""
        for j, (rel, sex, age, _parent) in enumerate(members):
            ordinal = ref_ordinal - int(age * 365.2425)
            id_number = None
            if age >= 1 or r.random() < 0.5:
                id_number, ordinal = ids.make(ordinal, sex)
            birth = dt.date.fromordinal(ordinal).isoformat()
            phone = ""
            if 16 <= age < 80 and (rel == Relationship.HEAD or r.random() < 0.75):
                phone = _mobile(r)
                household_phone = household_phone or phone
            if j == unemployed:
                occupation = "待业"
            elif age < 6:
                occupation = ""
            elif age < 18 or (age < 22 and r.random() < 0.5):
                occupation = "学生"
            elif age >= 60:
                occupation = "务农" if not plan.community and r.random() < 0.35 else ""
            else:
                occupation = _pick(r, work)
            skill = (
                RESIDENT_SKILLS[int(r.random() * 10)]
                if 18 <= age < 65 and r.random() < 0.25
                else ""
            )
            residents.append(
                ResidentRecord(full_names[j], sex, birth, rel, phone, id_number, occupation, skill)
            )

        if plan.community:
            building, rest = divmod(i, 24)
            unit, rest = divmod(rest, 12)
            floor, room = divmod(rest, 2)
            address = f"{plan.name}{building + 1}号楼{unit + 1}单元{floor + 1}0{room + 1}室"
        else:
            group, number = divmod(i, 40)
            address = f"{plan.township}{plan.name}{group + 1}组{number + 1}号"
        if grids:
            grid = grids[i * len(grids) // n]
            area_id, area_code, lat0, lon0 = grid.area_id, grid.code, grid.latitude, grid.longitude
        else:
            area_id, area_code, lat0, lon0 = plan.area_id, plan.code, plan.latitude, plan.longitude
        if style == "ug":
            languages = "ug" if r.random() < 0.75 else "ug,zh"
        elif style == "kk":
            languages = "kk" if r.random() < 0.6 else "kk,zh"
        else:
            languages = "zh,ug" if plan.xinjiang and r.random() < 0.07 else "zh"
        yield HouseholdRecord(
            household_no=f"{plan.code}-{serial:05d}",
            area_id=area_id,
            area_code=area_code,
            address=address,
            latitude=round(lat0 + offsets[i][0] * spread, 6),
            longitude=round(lon0 + offsets[i][1] * spread * 1.3, 6),
            phone=household_phone,
            languages=languages,
            annual_income=income_yuan,
            vulnerabilities=tuple(vulns),
            residents=tuple(residents),
        )


def region_households(
    plans: list[VillagePlan], *, seed: int, taken_ids=None
) -> Iterator[HouseholdRecord]:
    """Every household of the plans, village after village (counties stay together
    because plans are grouped by county, so the ID counters stay small).

    `taken_ids(county_code)` may return ID numbers already in the database."""
    ids = IdNumbers()
    for plan in plans:
        ids.county(plan.county_code, taken_ids(plan.county_code) if taken_ids else None)
        yield from village_households(plan, seed=seed, ids=ids)


# --- staff ------------------------------------------------------------------------


def _staff_person(r: random.Random, plan: VillagePlan) -> tuple[str, str, str]:
    """(first_name, last_name, languages) of a staff member posted to `plan`'s village."""
    if plan.xinjiang and r.random() < plan.uyghur_share * 0.7:
        namer = _Namer(r, "ug")
        sex = "M" if r.random() < 0.6 else "F"
        return namer.full(namer.given(sex), namer.given("M")), "", "ug,zh"
    namer = _Namer(r, "han")
    sex = "M" if r.random() < 0.6 else "F"
    languages = "zh,ug" if plan.xinjiang and r.random() < 0.35 else "zh"
    if plan.xinjiang and r.random() < 0.02:
        languages += ",kk"
    return namer.given(sex), namer.surname(), languages


def _staff_skills(r: random.Random) -> str:
    return ",".join(sorted(r.sample(STAFF_SKILLS, 1 + (r.random() < 0.4))))


def worker_rows(
    plans: list[VillagePlan], *, seed: int, first_number: int, now: str
) -> Iterator[tuple]:
    """USER_FIELDS rows of the workers: w0000001… in plan order."""
    number = first_number
    for plan in plans:
        if plan.workers <= 0:
            continue
        r = random.Random(f"{seed}:w:{plan.code}")
        for _ in range(plan.workers):
            first, last, languages = _staff_person(r, plan)
            lat = round(plan.latitude + r.gauss(0, 0.01), 6)
            lon = round(plan.longitude + r.gauss(0, 0.013), 6)
            yield (
                UNUSABLE_PASSWORD,
                None,
                False,
                f"w{number:07d}",
                first,
                last,
                "",
                False,
                True,
                now,
                Role.WORKER.value,
                plan.area_id,
                _mobile(r),
                languages,
                _staff_skills(r),
                lat,
                lon,
            )
            number += 1


def leader_rows(
    plans: list[VillagePlan], *, seed: int, now: str, existing: set[str]
) -> list[tuple]:
    """A team leader per township and a supervisor per county that has households."""
    rows = []
    seen: set[str] = set()
    for plan in plans:
        if plan.households <= 0:
            continue
        for role, area_id, prefix in (
            (Role.TEAM_LEADER, plan.township_id, "tl"),
            (Role.SUPERVISOR, plan.county_id, "sv"),
        ):
            if area_id is None:
                continue
            username = f"{prefix}{area_id:06d}"
            if username in seen or username in existing:
                continue
            seen.add(username)
            r = random.Random(f"{seed}:{username}")
            first, last, languages = _staff_person(r, plan)
            rows.append(
                (
                    UNUSABLE_PASSWORD,
                    None,
                    False,
                    username,
                    first,
                    last,
                    "",
                    False,
                    True,
                    now,
                    role.value,
                    area_id,
                    _mobile(r),
                    languages,
                    _staff_skills(r),
                    plan.latitude,
                    plan.longitude,
                )
            )
    return rows


# --- writers ----------------------------------------------------------------------


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _taken_ids(county_code: str) -> set[str]:
    return set(
        Resident.objects.filter(id_number__startswith=county_code).values_list(
            "id_number", flat=True
        )
    )


def _next_worker_number() -> int:
    last = (
        User.objects.filter(username__regex=r"^w[0-9]{7}$")
        .order_by("-username")
        .values_list("username", flat=True)
        .first()
    )
    return int(last[1:]) + 1 if last else 1


def synth_region(
    *,
    households: int,
    workers: int,
    seed: int,
    roots: Iterable[Area] | None = None,
    fixed: dict[str, int] | None = None,
    chunk_size: int = 10_000,
    progress: bool = False,
) -> SynthResult:
    """Generate into the database: all or nothing, memory bounded by one chunk."""
    from tqdm import tqdm

    plans = plan_region(households=households, workers=workers, seed=seed, roots=roots, fixed=fixed)
    area_ids = [p.area_id for p in plans] + [g.area_id for p in plans for g in p.grids]
    if Household.objects.filter(area_id__in=area_ids).exists():
        raise SynthError(
            gettext("Households exist in these villages already: synth fills empty villages only.")
        )
    now = timezone.now().isoformat()
    result = SynthResult(villages=sum(1 for p in plans if p.households))
    taken = _taken_ids if Resident.objects.exists() else None
    bar = tqdm(total=households + workers, unit=" rows", disable=not progress, smoothing=0.05)
    with transaction.atomic():
        # Points made up for villages and grids are kept, flagged as generated.
        generated = [p for p in plans if p.coordinates_generated]
        generated += [g for p in plans for g in p.grids if g.coordinates_generated]
        Area.objects.bulk_update(
            [
                Area(
                    pk=p.area_id,
                    latitude=p.latitude,
                    longitude=p.longitude,
                    coordinates_generated=True,
                )
                for p in generated
            ],
            ["latitude", "longitude", "coordinates_generated"],
            batch_size=1000,
        )
        for chunk in _chunks(region_households(plans, seed=seed, taken_ids=taken), chunk_size):
            ids = allocate_ids(Household, len(chunk))
            bulk_insert(
                Household,
                HOUSEHOLD_FIELDS,
                (
                    (
                        hid,
                        h.household_no,
                        h.area_id,
                        h.address,
                        h.latitude,
                        h.longitude,
                        h.phone,
                        h.languages,
                        h.annual_income,
                        now,
                        now,
                        1,
                    )
                    for hid, h in zip(ids, chunk, strict=True)
                ),
            )
            result.residents += bulk_insert(
                Resident,
                RESIDENT_FIELDS,
                (
                    (hid, *p, now, now)
                    for hid, h in zip(ids, chunk, strict=True)
                    for p in h.residents
                ),
            )
            vulns = [(hid, v) for hid, h in zip(ids, chunk, strict=True) for v in h.vulnerabilities]
            result.vulnerabilities += bulk_insert(
                HouseholdVulnerability, ["household", "category"], vulns
            )
            for _, category in vulns:
                result.counts_by_category[category] = result.counts_by_category.get(category, 0) + 1
            result.households += len(chunk)
            bar.update(len(chunk))
        existing = set(
            User.objects.filter(username__regex=r"^(tl|sv)[0-9]{6,}$").values_list(
                "username", flat=True
            )
        )
        leaders = leader_rows(plans, seed=seed, now=now, existing=existing)
        result.leaders = bulk_insert(User, USER_FIELDS, leaders)
        first = _next_worker_number()
        for chunk in _chunks(worker_rows(plans, seed=seed, first_number=first, now=now), 50_000):
            result.workers += bulk_insert(User, USER_FIELDS, chunk)
            bar.update(len(chunk))
    bar.close()
    analyze(Household, Resident, HouseholdVulnerability, User, Area)
    return result


def synth_csv(
    out: TextIO,
    *,
    households: int,
    seed: int,
    roots: Iterable[Area] | None = None,
    fixed: dict[str, int] | None = None,
    progress: bool = False,
) -> SynthResult:
    """Write the households synth_region would create, in the import CSV format.

    Household-level columns are on the head's row (the first of each household)."""
    from tqdm import tqdm

    plans = plan_region(households=households, workers=0, seed=seed, roots=roots, fixed=fixed)
    result = SynthResult(villages=sum(1 for p in plans if p.households))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    with tqdm(total=households, unit=" households", disable=not progress) as bar:
        for h in region_households(plans, seed=seed):
            for j, p in enumerate(h.residents):
                if j == 0:
                    extra = (
                        h.area_code,
                        h.address,
                        h.longitude,
                        h.latitude,
                        h.annual_income,
                        ";".join(h.vulnerabilities),
                        h.languages,
                    )
                else:
                    extra = ("",) * 7
                writer.writerow(
                    (
                        h.household_no,
                        p.name,
                        p.relationship,
                        p.sex,
                        p.birth_date,
                        p.id_number or "",
                        p.phone,
                        *extra,
                    )
                )
                result.residents += 1
            result.households += 1
            result.vulnerabilities += len(h.vulnerabilities)
            bar.update(1)
    return result
