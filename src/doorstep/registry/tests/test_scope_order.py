"""The list's scope and order rest on Household.area_path: a range, not a join."""

import pytest

from doorstep.areas.models import Area, AreaLevel, subtree_range
from doorstep.core.pagination import BadCursor, encode_cursor
from doorstep.core.testing import make_household
from doorstep.registry.selectors import household_page, households_visible_to

pytestmark = pytest.mark.django_db


def test_subtree_range_is_the_prefix_and_nothing_that_merely_starts_alike():
    low, high = subtree_range("/1/7/")
    assert low <= "/1/7/" < high
    assert low <= "/1/7/42/" < high
    assert not low <= "/1/70/" < high
    assert not low <= "/1/6/" < high


def test_a_village_whose_id_extends_another_is_not_in_its_scope(areas, worker_a):
    # Ids 7 and 70 are the case a plain LIKE '/.../7%' would get wrong.
    township = areas["township"]
    seven = Area.objects.create(
        pk=7_000_007,
        code="T7",
        name="七村",
        level=AreaLevel.VILLAGE,
        parent=township,
        path=f"{township.path}7000007/",
    )
    seventy = Area.objects.create(
        pk=70_000_070,
        code="T70",
        name="七十村",
        level=AreaLevel.VILLAGE,
        parent=township,
        path=f"{township.path}70000070/",
    )
    worker_a.area = seven
    worker_a.save()
    inside = make_household(area=seven)
    make_household(area=seventy)
    assert list(households_visible_to(worker_a)) == [inside]


def test_household_copies_its_area_path_when_saved_and_when_moved(areas):
    household = make_household(area=areas["village_a"])
    assert household.area_path == areas["village_a"].path
    household.area = areas["grid_a1"]
    household.save(update_fields=["area"])
    household.refresh_from_db()
    assert household.area_path == areas["grid_a1"].path


def test_paging_a_supervisors_whole_scope_returns_each_household_once_in_tree_order(
    areas, supervisor
):
    expected = []
    for key in ("village_c", "village_a", "grid_a1", "village_b"):
        for _ in range(3):
            expected.append(make_household(area=areas[key]))
    seen, cursor = [], None
    while True:
        page = household_page(supervisor, cursor=cursor, size=4)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(h.pk for h in seen) == sorted(h.pk for h in expected)
    assert len(seen) == len(expected)
    keys = [(h.area_path, h.household_no) for h in seen]
    assert keys == sorted(keys)


@pytest.mark.parametrize("values", [[1, 2], ["/1/", 2], [None, "x"]])
def test_a_cursor_with_the_wrong_types_is_refused_before_the_database(supervisor, values):
    with pytest.raises(BadCursor):
        household_page(supervisor, cursor=encode_cursor(values))
