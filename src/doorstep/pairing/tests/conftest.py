"""A small world for pairing: households with locations in villages A, B and C,
workers with bases, and a unit twinned with village C."""

from __future__ import annotations

import pytest

from doorstep.accounts.models import Role
from doorstep.casework.models import Twinning, UnitMember
from doorstep.casework.tests.factories import make_unit
from doorstep.core.testing import make_household, make_user


@pytest.fixture
def world(areas, worker_a, worker_b, team_leader, supervisor):
    worker_a.latitude, worker_a.longitude, worker_a.languages = 41.170, 80.260, "ug,zh"
    worker_a.save()
    worker_b.latitude, worker_b.longitude, worker_b.languages = 41.180, 80.280, "zh"
    worker_b.save()
    a = [
        make_household(
            area=areas["village_a"],
            household_no=f"652901001001-00{i}",
            latitude=41.170 + i * 0.001,
            longitude=80.260,
            languages="ug",
        )
        for i in range(1, 4)
    ]
    b = [
        make_household(
            area=areas["village_b"],
            household_no=f"652901001002-00{i}",
            latitude=41.180 + i * 0.001,
            longitude=80.280,
            languages="zh",
        )
        for i in range(1, 3)
    ]
    c = make_household(
        area=areas["village_c"], household_no="652901002001-001", latitude=41.1, longitude=80.1
    )
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def unit_worker(areas, world):
    """A county bureau's staff member, twinned with village C only."""
    unit = make_unit(name="县农业局", area=areas["county"])
    Twinning.objects.create(unit=unit, village=areas["village_c"], started_on="2026-01-01")
    user = make_user(
        role=Role.WORKER,
        area=areas["county"],
        username="unit_worker",
        latitude=41.175,
        longitude=80.27,
    )
    UnitMember.objects.create(user=user, unit=unit)
    return user
