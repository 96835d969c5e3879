import pytest

from doorstep.hotline.models import ResponderKind
from doorstep.hotline.tests.factories import make_office, make_responder


@pytest.fixture
def office(areas):
    return make_office(areas["village_a"])


@pytest.fixture
def lift_company(office, responder):
    return make_responder(office, kind=ResponderKind.LIFT_MAINTENANCE, members=[responder])


@pytest.fixture
def officer_a2(areas):
    from doorstep.accounts.models import Role
    from doorstep.core.testing import make_user

    return make_user(role=Role.WORKER, area=areas["village_a"], username="officer_a2")
