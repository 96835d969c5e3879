import pytest

from doorstep.accounts.models import Role
from doorstep.areas.models import AreaLevel
from doorstep.areas.services import area_create
from doorstep.core.testing import make_user

PERSONAS = [
    "worker_a",
    "worker_b",
    "team_leader",
    "supervisor",
    "analyst",
    "responder",
    "administrator",
]
MANAGERS = {"supervisor", "administrator"}


@pytest.fixture
def other_county(areas):
    county = area_create(
        code="652902", name="温宿县", level=AreaLevel.COUNTY, parent=areas["prefecture"]
    )
    village = area_create(
        code="652902001001",
        name="托乎拉村",
        level=AreaLevel.VILLAGE,
        parent=area_create(
            code="652902001", name="温宿镇", level=AreaLevel.TOWNSHIP, parent=county
        ),
    )
    return {"county": county, "village": village}


@pytest.fixture
def county_admin(areas):
    return make_user(role=Role.ADMIN, area=areas["county"], username="county_admin")


@pytest.fixture
def worker_elsewhere(other_county):
    return make_user(role=Role.WORKER, area=other_county["village"], username="worker_elsewhere")


@pytest.fixture
def everyone(worker_a, worker_b, team_leader, supervisor, analyst, responder, administrator):
    return {
        "worker_a": worker_a,
        "worker_b": worker_b,
        "team_leader": team_leader,
        "supervisor": supervisor,
        "analyst": analyst,
        "responder": responder,
        "administrator": administrator,
    }
