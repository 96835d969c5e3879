"""Working age: who counts as of working age on a day (DOORSTEP_WORKING_AGE).

Below the services package so that matching (which the services use) can ask too."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def working_age() -> tuple[int, int]:
    """(lowest, highest) working age in whole years; DOORSTEP_WORKING_AGE in settings
    may override the 16–60 default (a county that counts to 65, say)."""
    low, high = getattr(settings, "DOORSTEP_WORKING_AGE", (16, 60))
    return int(low), int(high)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def birth_date_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Birth dates of people of working age on `day`: (born after, born on or before)."""
    low, high = working_age()

    def years_before(years: int) -> dt.date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February
            return day.replace(year=day.year - years, day=28)

    return years_before(high + 1), years_before(low)
