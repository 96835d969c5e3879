"""Schemas and field types shared by every API router."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from doorstep.core.inputpolicy import clean_blank, text_problem
from doorstep.core.validators import validate_birth_date, validate_not_negative

# Ids are bigint columns: a larger number would overflow the database driver (a 5xx).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="Record id.")]


def _printable(value: str) -> str:
    # The one text-input policy (core.inputpolicy): PostgreSQL refuses NUL in text and
    # no database takes a lone surrogate; control characters are refused alike.
    problem = text_problem(value)
    if problem:
        raise PydanticCustomError("doorstep_invalid_character", problem)
    return value


def _blank_to_empty(value):
    # Zero-width-only text is empty, before max/min lengths are checked.
    return clean_blank(value) if isinstance(value, str) else value


def _iso_only(value):
    # Pydantic reads a number (or a string of digits: "20240101") as a Unix time stamp,
    # which stored 1970-08-23 for a contact. Dates and times come in ISO 8601 only.
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit()
    ):
        raise PydanticCustomError(
            "doorstep_iso_only", _("Write dates as YYYY-MM-DD and times in ISO 8601.")
        )
    return value


# Every date and time input goes through these: ISO 8601 only, never a Unix number.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_only)]
IsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_only)]


def _core_rule(validator):
    """A core.validators rule inside a schema: the same words as on the page."""

    def check(value):
        try:
            validator(value)
        except DjangoValidationError as exc:
            code = "doorstep_" + (exc.code or "invalid")
            raise PydanticCustomError(code, str(exc.messages[0])) from None
        return value

    return AfterValidator(check)


# A birth date from 1900 to today (core.validators.validate_birth_date).
BirthDate = Annotated[IsoDate, _core_rule(validate_birth_date)]
# Income, assistance, loans, wages: never below zero (core.validators).
# The schema states the bound for clients (`minimum`) while the server's own check
# gives the translated message; `AMOUNT_12_2` adds the ceiling of a 12-digit column.
NonNegativeAmount = Annotated[
    Decimal, _core_rule(validate_not_negative), Field(json_schema_extra={"minimum": 0})
]
AMOUNT_12_2 = {"minimum": 0, "maximum": 9999999999.99}

# A day written as text (YYYY-MM-DD, or empty) where a query keeps it as text: stated
# for clients in the schema (days 29-31 left out, so that every match is a real day).
DAY_PATTERN = "^([1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))?$"

# Every free-text input goes through this type.
Text = Annotated[str, BeforeValidator(_blank_to_empty), AfterValidator(_printable)]


class FieldError(Schema):
    field: str = Field(
        description="Dotted path of the field at fault (e.g. head.id_number), or empty."
    )
    message: str = Field(description="What is wrong, in the caller's language.")


class ErrorOut(Schema):
    """The one error shape of the API."""

    detail: str = Field(description="What went wrong, in the caller's language.")
    errors: list[FieldError] = Field(description="One entry per field at fault; may be empty.")


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """Document the error answers of an operation. Some apply to all of them: 400 (a
    body that is not JSON), 401, 422 and 429 (the rate limit, core.ratelimit)."""
    return {code: ErrorOut for code in sorted({400, 401, 422, 429, *codes})}


# Pydantic's messages are English only: every error the API can raise for bad input
# is said again here through gettext. Custom errors (type "doorstep_...") are raised
# with a message already translated.
def _messages() -> dict[str, str]:
    return {
        "missing": _("This field is required."),
        "string_type": _("Enter text."),
        "string_too_long": _("Enter at most %(max_length)s characters."),
        "string_too_short": _("Enter at least %(min_length)s characters."),
        "string_pattern_mismatch": _("The text is not in the expected form."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "float_type": _("Enter a number."),
        "float_parsing": _("Enter a number."),
        "finite_number": _("Enter a finite number."),
        "decimal_type": _("Enter a number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_max_digits": _("Enter a number with at most %(max_digits)s digits."),
        "decimal_max_places": _("Enter at most %(decimal_places)s decimal places."),
        "decimal_whole_digits": _("Enter at most %(whole_digits)s digits before the point."),
        "greater_than_equal": _("Enter a value of at least %(ge)s."),
        "greater_than": _("Enter a value greater than %(gt)s."),
        "less_than_equal": _("Enter a value of at most %(le)s."),
        "less_than": _("Enter a value less than %(lt)s."),
        "enum": _("Choose one of: %(expected)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "uuid_type": _("Enter a UUID."),
        "uuid_parsing": _("Enter a UUID."),
        "uuid_version": _("Enter a UUID."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_inexact": _("Enter a date as YYYY-MM-DD."),
        "list_type": _("Send a list."),
        "too_long": _("Send at most %(max_length)s items."),
        "too_short": _("Send at least %(min_length)s items."),
        "dict_type": _("Send a JSON object."),
        "model_type": _("Send a JSON object."),
        "model_attributes_type": _("Send a JSON object."),
        "extra_forbidden": _("This field is not allowed."),
        "json_invalid": _("The request body is not valid JSON."),
    }


def pydantic_error_message(err: dict) -> str:
    kind = str(err.get("type", ""))
    if kind.startswith("doorstep_"):
        return str(err.get("msg", ""))
    template = _messages().get(kind)
    if template is None:
        return _("This value is not valid.")
    ctx = {key: str(value) for key, value in (err.get("ctx") or {}).items()}
    try:
        return template % ctx if "%(" in template else template
    except (KeyError, ValueError):
        return _("This value is not valid.")
