"""Staff accounts in and out of a spreadsheet: the same columns both ways.

Reading reuses the household importer's reader (registry.importing.reader: CSV in
UTF-8 or GB18030, or XLSX, streamed) and its messages; every row is checked with the
same rules as the staff form (services.check_staff_data). A dry run names every bad
row; a real run writes all rows in one transaction or nothing at all.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.accounts.models import Role
from doorstep.administration.selectors import staff_managed_by
from doorstep.administration.services import (
    StaffData,
    check_staff_data,
    check_username,
    require_manager,
    staff_create,
    staff_password_reset,
)
from doorstep.casework.models import Unit, UnitMember
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.exporter import csv_stream, xlsx_file
from doorstep.registry.importing.reader import open_rows
from doorstep.registry.importing.spec import (
    M_DUPLICATE_COLUMNS,
    M_EMPTY,
    M_MISSING_COLUMNS,
    M_UNKNOWN_COLUMNS,
    ImportFileError,
)

# (key, English header, Chinese header), in file order; the export writes exactly these.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("username", "username", "用户名"),
    ("family_name", "family_name", "姓"),
    ("given_name", "given_name", "名"),
    ("role", "role", "角色"),
    ("area_code", "area_code", "区划代码"),
    ("units", "units", "所属单位"),
    ("languages", "languages", "常用语言"),
    ("phone", "phone", "联系电话"),
    ("latitude", "latitude", "纬度"),
    ("longitude", "longitude", "经度"),
)
KEYS = tuple(key for key, _en, _zh in COLUMNS)
REQUIRED = ("username", "role", "area_code")
MAX_ROWS = 5000
ERROR_CAP = 500
M_TOO_MANY = gettext_lazy("A staff file holds at most %(max)s rows.")
M_USERNAME_TWICE = gettext_lazy("The user name %(username)s is also on row %(row)s.")
M_UNKNOWN_UNIT = gettext_lazy("No active unit is called %(name)s.")
M_NUMBER = gettext_lazy("Enter a number.")
_UNIT_SPLIT = re.compile(r"[;；、|]")


def _header_key(text: str) -> str:
    return text.replace("\ufeff", "").strip().lower()


_HEADER_TO_KEY = {_header_key(en): k for k, en, _zh in COLUMNS} | {
    _header_key(zh): k for k, _en, zh in COLUMNS
}


def _role_lookup() -> dict[str, str]:
    """Role codes, and their labels in English and Chinese (as an office writes them)."""
    out = {code: code for code in Role.values}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            out |= {str(label).strip().lower(): code for code, label in Role.choices}
    return out


def _units_by_name() -> dict[str, int]:
    return {
        name.strip().lower(): pk
        for pk, name in Unit.objects.filter(is_active=True).values_list("pk", "name")
    }


@dataclass
class StaffImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    written: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    # With first_passwords: (user name, full name, temporary password) per new account,
    # shown once to the administrator, never stored in clear.
    passwords: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _map_header(header: list[str]) -> list[int]:
    positions = [-1] * len(KEYS)
    unknown, twice = [], []
    for index, text in enumerate(header):
        if not _header_key(text):
            continue
        key = _HEADER_TO_KEY.get(_header_key(text))
        if key is None:
            unknown.append(text.strip())
        elif positions[KEYS.index(key)] != -1:
            twice.append(text.strip())
        else:
            positions[KEYS.index(key)] = index
    if unknown:
        raise ImportFileError(_(str(M_UNKNOWN_COLUMNS)) % {"columns": ", ".join(unknown)})
    if twice:
        raise ImportFileError(_(str(M_DUPLICATE_COLUMNS)) % {"columns": ", ".join(twice)})
    missing = [k for k in REQUIRED if positions[KEYS.index(k)] == -1]
    if missing:
        zh = dict((k, z) for k, _e, z in COLUMNS)
        raise ImportFileError(
            _(str(M_MISSING_COLUMNS)) % {"columns": ", ".join(f"{k}/{zh[k]}" for k in missing)}
        )
    return positions


def _float(text: str, column: str, row: int, errors: list) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        errors.append({"row": row, "column": column, "message": _(str(M_NUMBER))})
        return None


def _read(actor, path: str) -> tuple[list[tuple[int, str, StaffData]], list[dict], int]:
    header, rows, _estimate = open_rows(path)
    positions = _map_header(header)
    roles, units = _role_lookup(), _units_by_name()
    parsed: list[tuple[int, str, StaffData]] = []
    errors: list[dict] = []
    seen: dict[str, int] = {}
    count = 0
    for number, cells in rows:
        if not any((c or "").strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(_(str(M_TOO_MANY)) % {"max": MAX_ROWS}, row=number)
        value = {
            key: (cells[pos] if 0 <= pos < len(cells) else "").strip()
            for key, pos in zip(KEYS, positions, strict=True)
        }
        row_errors: list[dict] = []
        username = value["username"]
        if message := check_username(username):
            row_errors.append({"row": number, "column": "username", "message": message})
        elif username.lower() in seen:
            row_errors.append(
                {
                    "row": number,
                    "column": "username",
                    "message": _(str(M_USERNAME_TWICE))
                    % {"username": username, "row": seen[username.lower()]},
                }
            )
        seen.setdefault(username.lower(), number)
        unit_ids = []
        for name in filter(None, (n.strip() for n in _UNIT_SPLIT.split(value["units"]))):
            if name.lower() in units:
                unit_ids.append(units[name.lower()])
            else:
                row_errors.append(
                    {
                        "row": number,
                        "column": "units",
                        "message": _(str(M_UNKNOWN_UNIT)) % {"name": name},
                    }
                )
        data = StaffData(
            family_name=value["family_name"],
            given_name=value["given_name"],
            role=roles.get(value["role"].lower(), value["role"]),
            area_code=value["area_code"],
            unit_ids=unit_ids,
            languages=value["languages"],
            phone=value["phone"],
            latitude=_float(value["latitude"], "latitude", number, row_errors),
            longitude=_float(value["longitude"], "longitude", number, row_errors),
        )
        _values, field_errors = check_staff_data(actor, data)
        row_errors += [
            {"row": number, "column": "units" if k == "unit_ids" else k, "message": m}
            for k, m in field_errors.items()
        ]
        errors += row_errors
        parsed.append((number, username, data))
        if len(errors) >= ERROR_CAP:
            break
    if count == 0:
        raise ImportFileError(_(str(M_EMPTY)))
    return parsed, errors, count


def staff_import(
    *, actor, path: str, dry_run: bool, channel: str, first_passwords: bool = False
) -> StaffImportReport:
    """Check (dry run) or import a staff file. ImportFileError for a file that cannot
    be read at all; otherwise a report whose errors name row and column.
    `first_passwords`: every new account gets a temporary password (to be changed at
    its first sign-in), returned once in the report."""
    require_manager(actor)
    report = StaffImportReport(dry_run=dry_run)
    parsed, errors, count = _read(actor, path)
    report.rows, report.errors = count, errors
    if errors or dry_run:
        return report
    try:
        with transaction.atomic():
            for number, username, data in parsed:
                try:
                    user = staff_create(actor=actor, username=username, data=data, channel=channel)
                    if first_passwords:
                        password = staff_password_reset(actor=actor, user=user, channel=channel)
                        report.passwords.append((username, user.get_full_name(), password))
                except ValidationError as exc:
                    report.errors = [
                        {"row": number, "column": k, "message": m}
                        for k, ms in exc.message_dict.items()
                        for m in ms
                    ]
                    raise
            audit_record(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type="staff",
                object_id="",
                channel=channel,
                detail={"rows": count},
            )
    except ValidationError:
        report.passwords = []
        return report
    report.created, report.written = len(parsed), True
    return report


def staff_import_upload(
    *, actor, upload, dry_run: bool, channel: str, first_passwords: bool = False
) -> StaffImportReport:
    """`staff_import` for an uploaded file (kept in a temporary file while read)."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    with tempfile.NamedTemporaryFile(suffix=extension) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return staff_import(
            actor=actor,
            path=handle.name,
            dry_run=dry_run,
            channel=channel,
            first_passwords=first_passwords,
        )


def staff_export_rows(actor, *, chinese: bool) -> Iterator[list[Any]]:
    """The caller's staff in the import columns (header first)."""
    yield [zh if chinese else en for _k, en, zh in COLUMNS]
    users = list(staff_managed_by(actor).select_related("area").order_by("username"))
    names: dict[int, list[str]] = {}
    for user_id, name in (
        UnitMember.objects.filter(user__in=users)
        .order_by("unit__name")
        .values_list("user_id", "unit__name")
    ):
        names.setdefault(user_id, []).append(name)
    for user in users:
        yield [
            user.username,
            user.last_name,
            user.first_name,
            user.role,
            user.area.code if user.area_id else "",
            ";".join(names.get(user.pk, [])),
            user.languages,
            user.phone,
            user.latitude,
            user.longitude,
        ]


def staff_export(*, actor, chinese: bool, channel: str) -> Iterator[list[Any]]:
    """The export, written to the audit log before the first row is read."""
    require_manager(actor)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="staff",
        object_id="",
        channel=channel,
        detail={"export": True},
    )
    return staff_export_rows(actor, chinese=chinese)


def staff_export_response(rows, fmt: str):
    from django.http import FileResponse, StreamingHttpResponse
    from django.utils import timezone

    filename = f"staff-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(rows),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
