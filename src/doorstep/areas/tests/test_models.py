"""Single-row rules of Area (clean) and the bulk writer areas_bulk_create."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from doorstep.areas.models import Area, AreaLevel
from doorstep.areas.services import area_create, areas_bulk_create

pytestmark = pytest.mark.django_db


def _area(level, parent=None, **fields):
    return Area(code="X", name="X", level=level, parent=parent, **fields)


def test_a_region_needs_no_parent(areas):
    _area(AreaLevel.REGION).clean()


def test_only_a_region_may_have_no_parent():
    with pytest.raises(ValidationError) as error:
        _area(AreaLevel.VILLAGE).clean()
    assert "parent" in error.value.message_dict


@pytest.mark.parametrize("level", [AreaLevel.REGION, AreaLevel.PREFECTURE, AreaLevel.COUNTY])
def test_an_area_must_sit_below_its_parent(areas, level):
    with pytest.raises(ValidationError) as error:
        _area(level, parent=areas["county"]).clean()
    assert "level" in error.value.message_dict


def test_an_area_may_skip_a_level(areas):
    # A grid directly under a township is allowed: only the order is checked.
    _area(AreaLevel.GRID, parent=areas["township"]).clean()


@pytest.mark.parametrize(
    ("fields", "key"),
    [({"latitude": 91}, "latitude"), ({"longitude": -180.5}, "longitude")],
)
def test_coordinates_must_be_on_the_globe(areas, fields, key):
    with pytest.raises(ValidationError) as error:
        _area(AreaLevel.VILLAGE, parent=areas["township"], **fields).clean()
    assert key in error.value.message_dict


def test_area_create_refuses_a_level_above_the_parent(areas):
    with pytest.raises(ValidationError):
        area_create(code="X1", name="X", level=AreaLevel.COUNTY, parent=areas["village_a"])
    assert not Area.objects.filter(code="X1").exists()


def _rows():
    return [
        {"code": "99", "name": "区", "level": "region", "parent_code": None},
        {"code": "9901", "name": "地区", "level": "prefecture", "parent_code": "99"},
        {"code": "990101", "name": "县", "level": "county", "parent_code": "9901"},
        {"code": "990101001", "name": "乡", "level": "township", "parent_code": "990101"},
        {
            "code": "990101001200",
            "name": "村",
            "level": "village",
            "parent_code": "990101001",
            "latitude": 41.2,
            "longitude": 80.3,
            "coordinates_generated": True,
        },
        {
            "code": "990101001200G01",
            "name": "村第1网格",
            "level": "grid",
            "parent_code": "990101001200",
            "is_generated": True,
        },
    ]


@pytest.mark.parametrize("batch_size", [1, 2, 5000])
def test_areas_bulk_create_writes_paths_across_batches(batch_size):
    assert areas_bulk_create(_rows(), batch_size=batch_size) == 6
    by_code = {a.code: a for a in Area.objects.all()}
    for area in by_code.values():
        parent_path = area.parent.path if area.parent else "/"
        assert area.path == f"{parent_path}{area.pk}/"
    grid = by_code["990101001200G01"]
    assert grid.is_generated and not grid.coordinates_generated
    village = by_code["990101001200"]
    assert village.coordinates_generated and village.latitude == 41.2
    assert list(Area.objects.within(by_code["9901"]).values_list("code", flat=True)) == [
        "9901",
        "990101",
        "990101001",
        "990101001200",
        "990101001200G01",
    ]


def test_areas_bulk_create_skips_codes_that_exist_and_repeats_in_input(areas):
    rows = [
        {"code": "65", "name": "other", "level": "region", "parent_code": None},
        {"code": "652901009", "name": "乡", "level": "township", "parent_code": "652901"},
        {"code": "652901009", "name": "乡", "level": "township", "parent_code": "652901"},
    ]
    assert areas_bulk_create(rows) == 1
    assert Area.objects.get(code="65").name == "新疆维吾尔自治区"
    town = Area.objects.get(code="652901009")
    assert town.path == f"{areas['county'].path}{town.pk}/"
    assert areas_bulk_create(rows) == 0


def test_areas_bulk_create_attaches_below_areas_made_one_by_one(areas):
    areas_bulk_create(
        [{"code": "652901001003", "name": "村", "level": "village", "parent_code": "652901001"}]
    )
    village = Area.objects.get(code="652901001003")
    assert village.is_within(areas["township"])
    # Ids taken by the bulk path do not collide with the next single create.
    after = area_create(code="652901001004", name="村", level="village", parent=areas["township"])
    assert after.pk != village.pk


def test_areas_bulk_create_refuses_a_child_before_its_parent():
    rows = list(reversed(_rows()))
    with pytest.raises(ValueError, match="not found"):
        areas_bulk_create(rows)
    assert not Area.objects.exists()
