"""One validator per rule people meet on every form and in the API: a birth date
between 1900 and today, a date range whose end does not come before its start, an
amount that is not negative. Forms use them as field validators (or in clean()),
services call the `check_*` forms that name the field, and API schemas wrap the same
functions (core.schemas: BirthDate, NonNegativeAmount), so a page and the API refuse
the same input with the same translated words on the same field.

Messages are gettext_lazy: they are put into words in the reader's language when the
page or the API answer is rendered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_BIRTH_DATE = dt.date(1900, 1, 1)

BIRTH_DATE_MESSAGE = _("The birth date must be between 1900-01-01 and today.")
NEGATIVE_MESSAGE = _("An amount cannot be negative.")
ORDER_MESSAGE = _("This date comes before the start date.")


def validate_birth_date(value: dt.date | None) -> None:
    """Nobody is born in the future, nor before 1900 (a typing slip: 1090, 2090)."""
    if value is not None and not MIN_BIRTH_DATE <= value <= dt.date.today():
        raise ValidationError(BIRTH_DATE_MESSAGE, code="birth_date")


def check_birth_date(value: dt.date | None, *, field: str = "birth_date") -> None:
    try:
        validate_birth_date(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def validate_not_negative(value) -> None:
    """Income, assistance, loans, wages: zero may be true, below zero never is."""
    if value is None or value == "":
        return
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return  # not a number: the field's own type check says so
    if number.is_finite() and number < 0:
        raise ValidationError(NEGATIVE_MESSAGE, code="negative")


def check_not_negative(value, *, field: str) -> None:
    try:
        validate_not_negative(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def check_date_order(
    start: dt.date | None, end: dt.date | None, *, field: str, message=None
) -> None:
    """`end` on or after `start`; the error is on `field` (the later date, which is
    usually the one typed wrong). Either date missing: nothing to compare."""
    if start is not None and end is not None and end < start:
        raise ValidationError({field: message or ORDER_MESSAGE}, code="date_order")
