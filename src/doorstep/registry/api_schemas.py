"""Input and output schemas of the households API (registry/api.py): one of each per
operation. Field checks call the validators that forms and the importer use, so a
malformed phone or ID number is refused with the field named before any write."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from doorstep.core.schemas import AMOUNT_12_2, ErrorOut, Id, NonNegativeAmount, Text
from doorstep.core.schemas import BirthDate as CoreBirthDate
from doorstep.registry.models import Relationship, Sex, Vulnerability
from doorstep.registry.validators import (
    LANGUAGE_CODES,
    normalize_id_number,
    parse_id_number,
    validate_phone,
)

Language = enum.StrEnum("Language", {code.upper(): code for code in LANGUAGE_CODES})
Language.__doc__ = "A language code: zh, ug, kk, ky, mn, bo, en, ru."


# The phones the validator takes, written without spaces (which it also accepts).
PHONE_PATTERN = "^((\\+86)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})?$"


def _phone(value: str) -> str:
    if value.strip() == "":
        return ""
    try:
        validate_phone(value)
    except DjangoValidationError as exc:
        raise PydanticCustomError("doorstep_phone", exc.messages[0]) from None
    return value


def _id_number(value: str) -> str:
    if value.strip() == "":
        return ""
    try:
        parse_id_number(value)
    except DjangoValidationError as exc:
        raise PydanticCustomError("doorstep_id_number", exc.messages[0]) from None
    return normalize_id_number(value)


Phone = Annotated[
    Text,
    Field(
        max_length=32,
        description="11-digit mobile (13x–19x) or landline with area code (0xx-xxxxxxx); "
        "+86 and spaces are accepted and removed. Empty for none.",
        # Stated for clients (core.openapi); the validator below is the rule.
        json_schema_extra={"pattern": PHONE_PATTERN},
    ),
    AfterValidator(_phone),
]
IdNumber = Annotated[
    Text,
    Field(
        max_length=24,
        description="18-character resident ID number (GB 11643) with a valid check digit.",
        json_schema_extra={"pattern": "^([0-9]{17}[0-9Xx])?$"},
    ),
    AfterValidator(_id_number),
]
Name = Annotated[Text, Field(min_length=1, max_length=64, description="Full name.")]
Occupation = Annotated[Text, Field(max_length=100, description="Occupation, free text.")]
Skills = Annotated[Text, Field(max_length=255, description="Skills, free text.")]
HouseholdNo = Annotated[
    Text, Field(min_length=1, max_length=32, description="Household number, unique.")
]
Address = Annotated[Text, Field(max_length=200, description="Street address.")]
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS 84 latitude.")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS 84 longitude.")]
Income = Annotated[
    NonNegativeAmount,
    Field(
        max_digits=12,
        decimal_places=2,
        json_schema_extra=AMOUNT_12_2,
        description="Yearly income in yuan, 0 or more.",
    ),
]
Languages = Annotated[
    list[Language],
    Field(max_length=len(LANGUAGE_CODES), description="Preferred languages, most preferred first."),
]
Vulnerabilities = Annotated[
    list[Vulnerability],
    Field(max_length=len(Vulnerability.values), description="Vulnerability categories."),
]
Version = Annotated[
    int,
    Field(
        ge=1,
        le=2**31 - 1,
        description="The version you read. A stale one answers 409 with the current record.",
    ),
]

# Blank-able text columns are "" in the database, never NULL: null in a request means "clear".
_BLANK_IF_NULL = {"sex", "phone", "occupation", "skills", "address"}


class InputSchema(Schema):
    # An unknown field is refused (a misspelt "vulnerabilites" must not be dropped silently).
    model_config = ConfigDict(extra="forbid")

    def service_fields(self) -> dict[str, Any]:
        """The fields the client sent, as keyword arguments for registry.services."""
        data = self.model_dump(exclude_unset=True)
        for key in _BLANK_IF_NULL & data.keys():
            if data[key] is None:
                data[key] = ""
        if "languages" in data:
            data["languages"] = [str(code) for code in data["languages"]]
        if data.get("id_number") == "":
            data["id_number"] = None
        return data


# A birth date within sane bounds: core.validators' rule, the same words as the pages.
BirthDate = CoreBirthDate


# --- residents ---------------------------------------------------------------------


class HeadIn(InputSchema):
    """The head of a new household."""

    name: Name
    sex: Sex | None = Field(None, description="M or F.")
    birth_date: BirthDate | None = Field(None, description="YYYY-MM-DD, 1900 to today.")
    phone: Phone = ""
    id_number: IdNumber | None = None
    occupation: Occupation = ""
    skills: Skills = ""


class ResidentCreateIn(HeadIn):
    relationship: Relationship = Field(description="Relationship to the head of household.")
    vulnerabilities: Vulnerabilities = Field(
        [], description="The member's own categories (not low_income or five_guarantee)."
    )


class ResidentUpdateIn(InputSchema):
    """Only the fields sent are changed; null clears a field that may be empty;
    `version` is required (409 when someone saved in between)."""

    version: Version
    name: Name = None
    sex: Sex | None = Field(None, description="M or F; null clears.")
    birth_date: BirthDate | None = Field(
        None, description="YYYY-MM-DD, 1900 to today; null clears."
    )
    relationship: Relationship = Field(None, description="Relationship to the head.")
    phone: Phone | None = None
    id_number: IdNumber | None = None
    occupation: Occupation | None = None
    skills: Skills | None = None
    vulnerabilities: Vulnerabilities = Field(
        None,
        description="The member's own categories (not low_income or five_guarantee); "
        "replaces the list and confirms inferred ones; [] clears it.",
    )


class ResidentOut(Schema):
    id: int
    name: str
    sex: Sex | None = Field(description="M, F, or null when not recorded.")
    birth_date: dt.date | None
    relationship: Relationship
    phone: str
    id_number: str | None
    occupation: str
    skills: str
    vulnerabilities: list[Vulnerability] = Field(description="The member's own categories.")
    vulnerabilities_inferred: list[Vulnerability] = Field(
        description="Those of `vulnerabilities` a migration gave this member (the head, "
        "the eldest, a child) for a worker to confirm or move."
    )
    version: int = Field(description="Send it back with a change (PATCH).")

    @staticmethod
    def resolve_sex(obj) -> str | None:
        return obj.sex or None

    @staticmethod
    def resolve_vulnerabilities(obj) -> list[str]:
        return obj.vulnerability_codes

    @staticmethod
    def resolve_vulnerabilities_inferred(obj) -> list[str]:
        return obj.inferred_vulnerability_codes


# --- households --------------------------------------------------------------------


class AreaRefOut(Schema):
    id: int
    code: str
    name: str


class HouseholdCreateIn(InputSchema):
    household_no: HouseholdNo
    area: Id = Field(description="Id of a village, community or grid inside your area.")
    address: Address = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    phone: Phone = ""
    languages: Languages = []
    annual_income: Income | None = None
    vulnerabilities: Vulnerabilities = Field(
        [], description="The household's categories; a person's category given here is the head's."
    )
    head: HeadIn


class HouseholdUpdateIn(InputSchema):
    """Only the fields sent are changed; `version` is required."""

    version: Version
    household_no: HouseholdNo = None
    area: Id = Field(None, description="Id of a village, community or grid inside your area.")
    address: Address | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    phone: Phone | None = None
    languages: Languages = Field(None, description="Replaces the list; [] clears it.")
    annual_income: Income | None = None
    vulnerabilities: Vulnerabilities = Field(
        None,
        description="The household's own categories (low_income, five_guarantee): replaces "
        "the list; [] clears it. A person's category is set on the resident.",
    )


class HouseholdOut(Schema):
    id: int
    household_no: str
    area: AreaRefOut
    address: str
    latitude: float | None
    longitude: float | None
    phone: str
    languages: list[Language]
    annual_income: Decimal | None = Field(description="Yearly income in yuan.")
    vulnerabilities: list[Vulnerability] = Field(
        description="The household's own categories; each resident lists their own."
    )
    residents: list[ResidentOut] = Field(description="The head first, then in order of entry.")
    version: int = Field(description="Send it back with a change (PATCH).")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_languages(obj) -> list[str]:
        return obj.language_list

    @staticmethod
    def resolve_vulnerabilities(obj) -> list[str]:
        return obj.own_vulnerability_codes

    @staticmethod
    def resolve_residents(obj) -> list:
        residents = list(obj.residents.all())
        return sorted(residents, key=lambda r: (r.relationship != Relationship.HEAD, r.pk))


class HeadOut(Schema):
    id: int
    name: str


class HouseholdListItemOut(Schema):
    id: int
    household_no: str
    area: AreaRefOut
    address: str
    phone: str
    head: HeadOut | None = Field(description="Null only while a household is being repaired.")
    vulnerabilities: list[Vulnerability] = Field(
        description="Categories of the household and of any of its members."
    )
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_head(obj):
        return getattr(obj, "head", None)

    @staticmethod
    def resolve_vulnerabilities(obj) -> list[str]:
        return obj.vulnerability_list


class HouseholdListQuery(Schema):
    q: Text = Field(
        "",
        max_length=100,
        description="Household number or phone prefix; any part of a resident's name, "
        "of its toneless pinyin (spaces optional) or initials, or of a Uyghur name's "
        "Latin (ULY) spelling; an ID number; or (3+ characters) part of the address.",
    )
    area: Id | None = Field(None, description="Only households in this area and below it.")
    vulnerability: Vulnerability | None = Field(
        None, description="Only households with this category (their own or a member's)."
    )
    cursor: Text | None = Field(
        None, max_length=512, description="next_cursor of the previous page."
    )
    limit: int = Field(50, ge=1, le=200, description="Page size.")


class HouseholdPageOut(Schema):
    items: list[HouseholdListItemOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class ConflictOut(ErrorOut):
    current: HouseholdOut = Field(description="The record as it is now.")
    changed_fields: list[str] = Field(
        description="Fields you sent whose value in the current record differs from yours: "
        "check them, then send again with the current version."
    )


class ResidentConflictOut(ErrorOut):
    current: ResidentOut = Field(description="The resident as they are now.")
    changed_fields: list[str] = Field(
        description="Fields you sent whose value in the current record differs from yours: "
        "check them, then send again with the current version."
    )
