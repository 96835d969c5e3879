"""People: ID numbers with valid check digits, names, household compositions, and
the reproducible generator of one village's households."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import zlib
from collections.abc import Iterator

import numpy as np

from doorstep.demo import names
from doorstep.demo.synth.tables import (
    MOBILE_PREFIXES,
    P_DISABILITY,
    P_ELDERLY_ALONE,
    P_FIVE_GUARANTEE,
    P_LEFT_BEHIND_CHILD_OTHER,
    P_LEFT_BEHIND_CHILD_SKIPPED,
    P_LEFT_BEHIND_SENIOR,
    P_LOW_INCOME,
    P_SERIOUS_ILLNESS,
    P_UNEMPLOYED,
    P_WIDOWED_ELDERLY,
    REFERENCE_DATE,
    RESIDENT_SKILLS,
    RURAL_WORK,
    SIZE_P,
    URBAN_WORK,
    HouseholdRecord,
    ResidentRecord,
    VillagePlan,
)
from doorstep.registry.models import (
    Relationship,
    Vulnerability,
)
from doorstep.registry.validators import _ID_CHECK, _ID_WEIGHTS

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
    # Which member a disability or a serious illness is (drawn last: the draws above
    # and `r`'s stream stay as they were).
    member_picks = nrng.random(size=(n, 2)).tolist()
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
        # Each person's category names its member (issue #13): the elderly head, the
        # youngest child under 16, the unemployed worker, a drawn member.
        vulns: list[str] = []
        whose: list[int | None] = []
        if alone and elderly_head and r.random() < P_ELDERLY_ALONE:
            vulns.append(Vulnerability.ELDERLY_ALONE)
            whose.append(0)
        if elderly_head and spouse_index is None and r.random() < P_WIDOWED_ELDERLY:
            vulns.append(Vulnerability.WIDOWED_ELDERLY)
            whose.append(0)
        if elderly_head and not working and not alone and r.random() < P_LEFT_BEHIND_SENIOR:
            vulns.append(Vulnerability.LEFT_BEHIND_SENIOR)
            whose.append(0)
        if alone and elderly_head and r.random() < P_FIVE_GUARANTEE:
            vulns.append(Vulnerability.FIVE_GUARANTEE)
            whose.append(None)
        if any(a < 16 for a in ages):
            p = P_LEFT_BEHIND_CHILD_SKIPPED if skipped else P_LEFT_BEHIND_CHILD_OTHER
            if r.random() < p:
                vulns.append(Vulnerability.LEFT_BEHIND_CHILD)
                whose.append(min(range(len(ages)), key=lambda j: (ages[j], j)))
        unemployed = None
        if working and r.random() < P_UNEMPLOYED:
            vulns.append(Vulnerability.UNEMPLOYED)
            unemployed = working[int(r.random() * len(working))]
            whose.append(unemployed)
        if r.random() < P_DISABILITY:
            vulns.append(Vulnerability.DISABILITY)
            whose.append(int(member_picks[i][0] * len(members)))
        if r.random() < P_SERIOUS_ILLNESS * (1.6 if elderly_head else 0.8):
            vulns.append(Vulnerability.SERIOUS_ILLNESS)
            whose.append(0 if elderly_head else int(member_picks[i][1] * len(members)))
        low = Vulnerability.FIVE_GUARANTEE in vulns or r.random() < P_LOW_INCOME
        if low:
            vulns.append(Vulnerability.LOW_INCOME)
            whose.append(None)
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
            vulnerability_members=tuple(whose),
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
