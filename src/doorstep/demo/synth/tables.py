"""The synthetic region's fixed numbers: shares, probabilities, pools, the columns
written, and the records the other modules pass around."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from doorstep.areas.models import AreaLevel
from doorstep.registry.bulk_columns import HOUSEHOLD_COPY_FIELDS, RESIDENT_COPY_FIELDS
from doorstep.registry.importing.spec import KEYS as IMPORT_KEYS

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

# Bulk column orders shared with the importer (registry.bulk_columns).
HOUSEHOLD_FIELDS = HOUSEHOLD_COPY_FIELDS
RESIDENT_FIELDS = RESIDENT_COPY_FIELDS
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
# The import format's columns, so a synth CSV is an import file by construction.
CSV_COLUMNS = list(IMPORT_KEYS)
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
    # Whose each of `vulnerabilities` is: an index in `residents`, or None for the
    # household's own (low income, five-guarantee). Issue #13.
    vulnerability_members: tuple[int | None, ...] = ()


@dataclass
class SynthResult:
    villages: int = 0
    households: int = 0
    residents: int = 0
    vulnerabilities: int = 0
    workers: int = 0
    leaders: int = 0
    counts_by_category: dict[str, int] = field(default_factory=dict)
