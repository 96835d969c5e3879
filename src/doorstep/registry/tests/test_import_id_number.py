"""Property tests of the resident ID number check (GB 11643) that the importer relies on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from doorstep.registry.validators import id_check_character, parse_id_number

area_codes = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))
serials = st.integers(min_value=0, max_value=999)


def build(area: str, birth: dt.date, serial: int) -> str:
    body = f"{area}{birth:%Y%m%d}{serial:03d}"
    return body + id_check_character(body)


@given(area_codes, births, serials)
def test_numbers_with_a_correct_check_digit_always_pass(area, birth, serial):
    number = build(area, birth, serial)
    parsed_birth, sex = parse_id_number(number)
    assert parsed_birth == birth
    assert sex == ("M" if serial % 2 else "F")


@given(area_codes, births, serials, st.integers(min_value=0, max_value=17), st.integers(1, 10))
def test_any_single_character_change_fails(area, birth, serial, position, shift):
    number = build(area, birth, serial)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(number[position])
    replacement = alphabet[(current + shift) % len(alphabet)]
    if replacement == number[position]:
        return
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(changed)
