"""Validators for registry fields, shared by forms, the API and the importer."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doorstep.core.languages import LANGUAGE_CODES as _LANGUAGE_CODES
from doorstep.core.validators import MIN_BIRTH_DATE as _MIN_BIRTH_DATE
from doorstep.core.validators import validate_birth_date as _validate_birth_date

# GB 11643-1999: weights for the first 17 digits, and the check character for sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

# Mobile: 11 digits starting 13–19. Landline: area code 0xx or 0xxx, then 7–8 digits,
# with an optional hyphen; extensions are not accepted (no one is called back on one).
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")

# Birth dates within sane bounds everywhere (API, forms, importer): 1900 to today.
# One rule for every app: core.validators.
MIN_BIRTH_DATE = _MIN_BIRTH_DATE
validate_birth_date = _validate_birth_date


# The one list of language codes lives in core (languages.py names them).
LANGUAGE_CODES = _LANGUAGE_CODES


def id_check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def parse_id_number(value: str) -> tuple[dt.date, str]:
    """Validate an 18-character resident ID number; return its birth date and sex (M/F)."""
    number = normalize_id_number(value)
    if not _ID_RE.match(number):
        raise ValidationError(
            _("A resident ID number has 17 digits followed by a digit or X."), code="id_format"
        )
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of the resident ID number is wrong."), code="id_check"
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The resident ID number holds an impossible birth date."), code="id_birth"
        ) from None
    if birth < MIN_BIRTH_DATE or birth > dt.date.today():
        raise ValidationError(
            _("The resident ID number holds an impossible birth date."), code="id_birth"
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return birth, sex


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def normalize_phone(value: str) -> str:
    cleaned = re.sub(r"[\s()]", "", value or "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    elif cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    return cleaned


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if not (_MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline number with its area code."),
            code="phone",
        )


def normalize_languages(value: str | list[str]) -> str:
    items = value if isinstance(value, list) else re.split(r"[,;，；、\s]+", value or "")
    codes: list[str] = []
    for item in items:
        code = item.strip().lower()
        if code and code not in codes:
            codes.append(code)
    return ",".join(codes)


def validate_languages(value: str) -> None:
    unknown = [
        code
        for code in normalize_languages(value).split(",")
        if code and code not in LANGUAGE_CODES
    ]
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s. Use: %(known)s."),
            code="languages",
            params={"codes": ", ".join(unknown), "known": ", ".join(LANGUAGE_CODES)},
        )


def validate_latitude(value: float) -> None:
    if not -90 <= value <= 90:
        raise ValidationError(_("Latitude must be between -90 and 90."), code="latitude")


def validate_longitude(value: float) -> None:
    if not -180 <= value <= 180:
        raise ValidationError(_("Longitude must be between -180 and 180."), code="longitude")
