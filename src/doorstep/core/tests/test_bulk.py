import pytest
from django.db import transaction

from doorstep.areas.models import Area
from doorstep.core.bulk import allocate_ids, bulk_insert
from doorstep.registry.models import Household, Resident

pytestmark = pytest.mark.django_db


def test_bulk_insert_with_allocated_ids_links_children_to_parents(areas):
    village = areas["village_a"]
    with transaction.atomic():
        ids = allocate_ids(Household, 3)
        assert len(set(ids)) == 3
        now = "2026-01-01T00:00:00+00:00"
        bulk_insert(
            Household,
            [
                "id",
                "household_no",
                "area",
                "address",
                "phone",
                "languages",
                "created_at",
                "updated_at",
                "version",
            ],
            ((hid, f"B-{i}", village.pk, "", "", "zh", now, now, 1) for i, hid in enumerate(ids)),
        )
        count = bulk_insert(
            Resident,
            [
                "household",
                "name",
                "sex",
                "relationship",
                "phone",
                "occupation",
                "skills",
                "created_at",
                "updated_at",
            ],
            [(hid, f"居民{i}", "F", "head", "", "", "", now, now) for i, hid in enumerate(ids)],
        )
    assert count == 3
    assert sorted(
        Household.objects.filter(household_no__startswith="B-").values_list("pk", flat=True)
    ) == sorted(ids)
    assert Resident.objects.filter(household_id__in=ids).count() == 3
    # Ids allocated afterwards do not collide with what was written.
    assert not set(allocate_ids(Household, 2)) & set(ids)
    assert Area.objects.count() > 0
