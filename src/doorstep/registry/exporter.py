"""Household export in the import format (registry.importing.COLUMNS), so that an export
re-imports unchanged into an empty database.

Memory stays bounded whatever the size: households are read with .iterator() in chunks
of CHUNK, and each chunk's residents and vulnerabilities in one query each; CSV is
streamed as it is made, XLSX is written by openpyxl's write-only mode to a temporary
file that is then streamed.

One limit of the format: a household has one contact phone and each resident one
phone; the head's row carries the head's phone (or the household's when the head has
none), so a household phone that differs from the head's own does not survive a round
trip. Households made by the importer always have the two equal.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from doorstep.areas.models import Area
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.importing import (
    HEADERS_EN,
    HEADERS_ZH,
    RELATIONSHIP_ZH,
    SEX_ZH,
    VULNERABILITY_ZH,
)
from doorstep.registry.importing.extra import extra_headers, extra_width, extras
from doorstep.registry.models import Household, HouseholdVulnerability, Relationship, Resident
from doorstep.registry.selectors import households_filtered

CHUNK = 2000
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_HOUSEHOLD_VALUES = (
    "pk",
    "household_no",
    "area__code",
    "address",
    "longitude",
    "latitude",
    "phone",
    "annual_income",
    "languages",
)


def export_rows(households: QuerySet[Household], *, chinese: bool = False) -> Iterator[list[Any]]:
    """The rows of the export, header first: one per resident, head first, household
    columns on the head's row. Values keep their type (float, Decimal) for XLSX."""
    more = extras()  # other apps' columns (importing.extra), after the registry's own
    yield list(HEADERS_ZH if chinese else HEADERS_EN) + extra_headers(chinese=chinese)
    blank_more = [""] * extra_width()
    iterator = (
        households.order_by("household_no")
        .values_list(*_HOUSEHOLD_VALUES)
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(islice(iterator, CHUNK)):
        ids = [h[0] for h in chunk]
        residents: dict[int, list[tuple]] = {}
        for r in (
            Resident.objects.filter(household_id__in=ids)
            .order_by("household_id", "id")
            .values_list(
                "household_id", "name", "relationship", "sex", "birth_date", "id_number", "phone"
            )
        ):
            residents.setdefault(r[0], []).append(r)
        vulnerabilities: dict[int, list[str]] = {}
        for household_id, category in (
            HouseholdVulnerability.objects.filter(household_id__in=ids)
            .order_by("household_id", "category")
            .values_list("household_id", "category")
        ):
            vulnerabilities.setdefault(household_id, []).append(category)
        more_values = [extra.export(ids, chinese) for extra in more]
        for pk, hno, area_code, address, lon, lat, phone, income, languages in chunk:
            members = sorted(residents.get(pk, []), key=lambda r: r[2] != Relationship.HEAD)
            categories = vulnerabilities.get(pk, [])
            for index, (_hid, name, relationship, sex, birth, id_number, rphone) in enumerate(
                members
            ):
                is_head = index == 0 and relationship == Relationship.HEAD
                row: list[Any] = [
                    hno,
                    name,
                    RELATIONSHIP_ZH.get(relationship, relationship) if chinese else relationship,
                    SEX_ZH.get(sex, sex) if chinese else sex,
                    birth.isoformat() if birth else "",
                    id_number or "",
                    (rphone or phone) if is_head else rphone,
                ]
                if is_head:
                    row += [
                        area_code,
                        address,
                        lon if lon is not None else "",
                        lat if lat is not None else "",
                        income if income is not None else "",
                        ";".join(VULNERABILITY_ZH[c] if chinese else c for c in categories),
                        languages,
                    ]
                    for extra, values in zip(more, more_values, strict=True):
                        row += values.get(pk) or [""] * len(extra.columns)
                else:
                    row += [""] * 7 + blank_more
                yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM, which office spreadsheets need to read Chinese correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow(["" if v is None else v for v in row]))
        if len(lines) >= 1000:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def xlsx_file(rows: Iterator[list[Any]]):
    """A temporary file holding the workbook; the caller streams and closes it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str) and value.startswith("="):
                # Text, never a formula, whatever a name or address starts with.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the response
    workbook.save(handle)
    handle.seek(0)
    return handle


def may_export(user) -> bool:
    """Who may download the household list: whoever may read the registry, since the
    export holds only the households the list already shows them. The one rule for the
    page (views_import), the API (api_imports) and the list's export links."""
    return bool(getattr(user, "is_authenticated", False) and user.can_read_registry)


def households_export(
    *,
    user,
    q: str = "",
    area: Area | None = None,
    vulnerability: str = "",
    chinese: bool = False,
    channel: str,
) -> tuple[int, Iterator[list[Any]]]:
    """The scoped, filtered households as export rows, with the export audited first
    (one event with the filter and the household count), so that no export goes
    unrecorded even if the download is cut short. `area` comes from areas.selectors."""
    households = households_filtered(user, q=q, area=area, vulnerability=vulnerability)
    count = households.count()
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="household",
        channel=channel,
        detail={
            "filter": {
                "q": q,
                "area": area.code if area is not None else "",
                "vulnerability": vulnerability,
            },
            "households": count,
        },
    )
    return count, export_rows(households, chinese=chinese)
