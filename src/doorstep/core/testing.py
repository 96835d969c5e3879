"""Factories for tests: plain functions, no extra dependency.

Personas (see conftest.py) sit on one small tree:
  region 65 → prefecture 6529 (阿克苏地区) → county 652901 (阿克苏市)
    → township 652901001 → village A 652901001001 (grid A1 below it)
                         → village B 652901001002
    → township 652901002 → village C 652901002001
"""

from __future__ import annotations

import datetime as dt
import itertools

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.areas.services import area_create
from doorstep.registry.models import (
    PERSON_VULNERABILITIES,
    Household,
    HouseholdVulnerability,
    Relationship,
    Resident,
)
from doorstep.registry.validators import id_check_character

_seq = itertools.count(1)


def make_id_number(
    *,
    county_code: str = "652901",
    birth: dt.date = dt.date(1980, 5, 17),
    sex: str = "M",
    serial: int = 12,
) -> str:
    """A resident ID number with a correct check digit (odd 17th digit = male)."""
    order = serial * 10 + (1 if sex == "M" else 2) if serial < 100 else serial
    body = f"{county_code}{birth:%Y%m%d}{order:03d}"[:17]
    return body + id_check_character(body)


def make_area_tree() -> dict[str, Area]:
    region = area_create(code="65", name="新疆维吾尔自治区", level=AreaLevel.REGION, parent=None)
    pref = area_create(code="6529", name="阿克苏地区", level=AreaLevel.PREFECTURE, parent=region)
    county = area_create(code="652901", name="阿克苏市", level=AreaLevel.COUNTY, parent=pref)
    town1 = area_create(code="652901001", name="新城街道", level=AreaLevel.TOWNSHIP, parent=county)
    town2 = area_create(code="652901002", name="南城街道", level=AreaLevel.TOWNSHIP, parent=county)
    village_a = area_create(
        code="652901001001",
        name="英巴格社区",
        level=AreaLevel.VILLAGE,
        parent=town1,
        latitude=41.17,
        longitude=80.26,
    )
    village_b = area_create(
        code="652901001002",
        name="东大街社区",
        level=AreaLevel.VILLAGE,
        parent=town1,
        latitude=41.18,
        longitude=80.28,
    )
    village_c = area_create(
        code="652901002001", name="南门社区", level=AreaLevel.VILLAGE, parent=town2
    )
    grid_a1 = area_create(
        code="652901001001G01",
        name="英巴格社区第1网格",
        level=AreaLevel.GRID,
        parent=village_a,
        is_generated=True,
    )
    return {
        "region": region,
        "prefecture": pref,
        "county": county,
        "township": town1,
        "township2": town2,
        "village_a": village_a,
        "village_b": village_b,
        "village_c": village_c,
        "grid_a1": grid_a1,
    }


def make_user(
    *,
    role: str = Role.WORKER,
    area: Area | None,
    username: str | None = None,
    password: str = "pw-for-tests-only-42",
    **extra,
) -> User:
    username = username or f"user{next(_seq)}"
    user = User(username=username, role=role, area=area, **extra)
    user.set_password(password)
    user.save()
    return user


def make_household(
    *,
    area: Area,
    household_no: str | None = None,
    head_name: str = "艾力·买买提",
    vulnerabilities: tuple[str, ...] = (),
    members: int = 1,
    each_member: bool = False,
    **extra,
) -> Household:
    household = Household.objects.create(
        household_no=household_no or f"H{next(_seq):08d}", area=area, **extra
    )
    head = Resident.objects.create(
        household=household, name=head_name, relationship=Relationship.HEAD, sex="M"
    )
    people = [head]
    for i in range(1, members):
        people.append(
            Resident.objects.create(
                household=household, name=f"{head_name[:2]}{i}", relationship=Relationship.CHILD
            )
        )
    # A person's category (registry.models.PERSON_VULNERABILITIES) is the head's, or
    # every member's with `each_member`; a household's category names no resident.
    for category in vulnerabilities:
        if category not in PERSON_VULNERABILITIES:
            HouseholdVulnerability.objects.create(household=household, category=category)
            continue
        for person in people if each_member else [head]:
            HouseholdVulnerability.objects.create(
                household=household, resident=person, category=category
            )
    return household
