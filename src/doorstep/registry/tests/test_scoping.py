"""The one scoping layer: a worker of one village can neither list nor open a
household of another village."""

import pytest
from django.http import Http404

from doorstep.privacy.models import AuditEvent
from doorstep.registry.selectors import household_for, households_visible_to

pytestmark = pytest.mark.django_db


def test_worker_lists_only_households_of_own_village(worker_a, household_a, household_b):
    assert list(households_visible_to(worker_a)) == [household_a]


def test_worker_cannot_open_household_of_other_village(worker_b, household_a):
    with pytest.raises(Http404):
        household_for(worker_b, household_a.pk, channel="test")


def test_household_in_a_grid_below_the_village_is_in_scope(worker_a, areas):
    from doorstep.core.testing import make_household

    in_grid = make_household(area=areas["grid_a1"])
    assert in_grid in households_visible_to(worker_a)


def test_team_leader_and_supervisor_see_their_subtree(
    team_leader, supervisor, household_a, household_b, areas
):
    from doorstep.core.testing import make_household

    other_township = make_household(area=areas["village_c"])
    assert set(households_visible_to(team_leader)) == {household_a, household_b}
    assert set(households_visible_to(supervisor)) == {household_a, household_b, other_township}


@pytest.mark.parametrize("persona", ["analyst", "responder"])
def test_roles_without_registry_access_see_nothing(request, persona, household_a):
    user = request.getfixturevalue(persona)
    assert not households_visible_to(user).exists()
    with pytest.raises(Http404):
        household_for(user, household_a.pk, channel="test")


def test_opening_a_household_is_written_to_the_audit_log(worker_a, household_a):
    household_for(worker_a, household_a.pk, channel="page:household")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.household_id, event.channel) == (
        worker_a,
        "view",
        household_a.pk,
        "page:household",
    )


def test_account_without_area_sees_nothing(db, household_a):
    from doorstep.core.testing import make_user

    assert not households_visible_to(make_user(area=None)).exists()
