import pytest
from django.db import DataError, IntegrityError, connection, transaction

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
                "area_path",
                "address",
                "phone",
                "languages",
                "created_at",
                "updated_at",
                "version",
            ],
            (
                (hid, f"B-{i}", village.pk, village.path, "", "", "zh", now, now, 1)
                for i, hid in enumerate(ids)
            ),
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


HOUSEHOLD_FIELDS = [
    "household_no",
    "area",
    "area_path",
    "address",
    "phone",
    "languages",
    "created_at",
    "updated_at",
    "version",
]


def _household_row(village, household_no: str) -> tuple:
    now = "2026-01-01T00:00:00+00:00"
    return (household_no, village.pk, village.path, "", "", "zh", now, now, 1)


def test_bulk_insert_of_a_duplicate_raises_django_integrity_error(areas):
    # Callers catch django.db.IntegrityError; COPY on PostgreSQL must not leak psycopg's.
    village = areas["village_a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(
            Household,
            HOUSEHOLD_FIELDS,
            [_household_row(village, "DUP-1"), _household_row(village, "DUP-1")],
        )
    assert not Household.objects.filter(household_no="DUP-1").exists()


def test_bulk_insert_of_a_value_too_long_raises_django_data_error(areas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce varchar lengths")
    village = areas["village_a"]
    with pytest.raises(DataError), transaction.atomic():
        bulk_insert(Household, HOUSEHOLD_FIELDS, [_household_row(village, "X" * 200)])
