import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from doorstep.hotline.models import CallServiceLevel, DutyShift, Holiday, HolidayKind
from doorstep.hotline.tests.factories import at, make_office

DAY = dt.date(2026, 2, 16)


def test_holidays_for_2026_and_2027_are_entered_as_data(db):
    years = {(h.kind, h.starts_on.year) for h in Holiday.objects.all()}
    for year in (2026, 2027):
        assert (HolidayKind.SPRING_FESTIVAL, year) in years
        assert (HolidayKind.NATIONAL_DAY, year) in years


def test_every_category_has_a_service_level(db):
    assert CallServiceLevel.objects.count() == 9


def test_database_refuses_a_shift_that_ends_before_it_starts(areas, worker_a):
    office = make_office(areas["village_a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyShift.objects.create(
            office=office, officer=worker_a, starts_at=at(DAY, 8), ends_at=at(DAY, 8)
        )
