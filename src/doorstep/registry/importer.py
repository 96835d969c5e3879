"""Household import from CSV and XLSX: one row per resident, grouped by household number.

The file format (docs and the export share it; `COLUMNS` is the one definition):
English or Chinese headers, in any order; household columns (area code, address,
coordinates, income, vulnerability, languages) are read from the head's row and may
be left blank on the other rows. A household's rows must be next to each other: a
household number seen again further down belongs to another family and is an error.
The phone on the head's row is the head's and the household's contact phone.

How it stays fast and small at 1.69 million households (bench/import_vs_copy.py):
- the file is streamed (csv module, or openpyxl read_only) and never held in memory;
- rows are validated in Python, households in batches of `BATCH_HOUSEHOLDS` with one
  query per batch for unknown area codes (then cached), and in a dry run one query
  each for household numbers and ID numbers already in the database;
- a real run writes each batch through core.bulk (allocate_ids + COPY on PostgreSQL)
  inside one transaction, so it is all-or-nothing. It does not look up duplicates
  itself: the unique constraints catch them for free while COPY writes. On the first
  problem of any kind the transaction is rolled back and the file is read again as a
  dry run, which lists every bad row; real runs normally follow a clean dry run.
- in-file duplicates of ID numbers (dry run) are kept as 64-bit integers in an array and
  found by one sort at the end, not in a set of 6 million strings.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import queue
import re
import threading
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter, mul
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.areas.models import HOUSEHOLD_LEVELS, Area
from doorstep.core.bulk import allocate_ids, analyze, bulk_insert
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import (
    Household,
    HouseholdVulnerability,
    Relationship,
    Resident,
    Vulnerability,
)
from doorstep.registry.validators import (
    normalize_id_number,
    normalize_languages,
    normalize_phone,
    parse_id_number,
    validate_languages,
    validate_phone,
)

# (key, English header, Chinese header), in file order. The export writes exactly these.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("household_no", "household_no", "户编号"),
    ("name", "name", "姓名"),
    ("relationship", "relationship", "与户主关系"),
    ("sex", "sex", "性别"),
    ("birth_date", "birth_date", "出生日期"),
    ("id_number", "id_number", "身份证号"),
    ("phone", "phone", "联系电话"),
    ("area_code", "area_code", "区划代码"),
    ("address", "address", "详细地址"),
    ("longitude", "longitude", "经度"),
    ("latitude", "latitude", "纬度"),
    ("annual_income", "annual_income", "家庭年收入"),
    ("vulnerability", "vulnerability", "困难类型"),
    ("languages", "languages", "常用语言"),
)
KEYS = tuple(key for key, _en, _zh in COLUMNS)
HEADERS_EN = tuple(en for _key, en, _zh in COLUMNS)
HEADERS_ZH = tuple(zh for _key, _en, zh in COLUMNS)
REQUIRED_COLUMNS = ("household_no", "name", "relationship", "area_code")
HOUSEHOLD_KEYS = (
    "area_code",
    "address",
    "longitude",
    "latitude",
    "annual_income",
    "vulnerability",
    "languages",
)
(
    C_HNO,
    C_NAME,
    C_REL,
    C_SEX,
    C_BIRTH,
    C_ID,
    C_PHONE,
    C_AREA,
    C_ADDRESS,
    C_LON,
    C_LAT,
    C_INCOME,
    C_VULN,
    C_LANG,
) = range(len(KEYS))
_HOUSEHOLD_IDX = tuple(KEYS.index(k) for k in HOUSEHOLD_KEYS)
_household_values = itemgetter(*_HOUSEHOLD_IDX)

# The file's Chinese vocabulary is fixed by the format, not by the UI catalogue, so a
# file written today imports the same after a translation is reworded.
RELATIONSHIP_ZH = {
    Relationship.HEAD: "户主",
    Relationship.SPOUSE: "配偶",
    Relationship.CHILD: "子女",
    Relationship.PARENT: "父母",
    Relationship.GRANDCHILD: "孙子女",
    Relationship.SIBLING: "兄弟姐妹",
    Relationship.OTHER: "其他",
}
SEX_ZH = {"M": "男", "F": "女"}
VULNERABILITY_ZH = {
    Vulnerability.ELDERLY_ALONE: "独居老人",
    Vulnerability.LEFT_BEHIND_SENIOR: "留守老人",
    Vulnerability.WIDOWED_ELDERLY: "丧偶老人",
    Vulnerability.DISABILITY: "残疾人",
    Vulnerability.SERIOUS_ILLNESS: "大病重病",
    Vulnerability.LOW_INCOME: "低保",
    Vulnerability.FIVE_GUARANTEE: "五保户",
    Vulnerability.UNEMPLOYED: "失业人员",
    Vulnerability.LEFT_BEHIND_CHILD: "留守儿童",
}
_RELATIONSHIPS = {str(code): str(code) for code in Relationship.values} | {
    zh: str(code) for code, zh in RELATIONSHIP_ZH.items()
}
_SEXES = {"M": "M", "F": "F", "m": "M", "f": "F", "男": "M", "女": "F"}

ERROR_CAP = 1000  # errors listed; the total is always counted
BATCH_HOUSEHOLDS = 2000  # households validated (and written) together
MAX_LENGTHS = {C_HNO: 32, C_NAME: 64, C_ADDRESS: 200}

_MOBILE_FAST = re.compile(r"^1[3-9]\d{9}$")  # the common case, already normal
_ID_FAST = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_OFFSET = 48 * sum(_ID_WEIGHTS)  # the weighted sum of "0" characters
_ID_CHECK = b"10X98765432"
_DATE_RE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$|^(\d{4})(\d{2})(\d{2})$")
_VULN_SPLIT = re.compile(r"[;；]")
_INCOME_LIMIT = Decimal("9999999999.99")

# Messages. Reasons are translated when the import runs, in the language of whoever
# started it (ImportJob.language); the row and the column are separate fields.
M_REQUIRED = gettext_lazy("This field is required.")
M_AREA_ON_HEAD = gettext_lazy("The head's row must give the area code.")
M_NO_HEAD = gettext_lazy("Household %(household_no)s has no head (relationship “head”).")
M_TWO_HEADS = gettext_lazy("Household %(household_no)s already has a head on row %(row)s.")
M_REUSED = gettext_lazy(
    "Household number %(household_no)s is already used above (row %(row)s) for another "
    "household; keep each household's rows together."
)
M_HNO_EXISTS = gettext_lazy("Household number %(household_no)s is already in the database.")
M_ID_DUPLICATE = gettext_lazy("This resident ID number is also on row %(row)s.")
M_ID_EXISTS = gettext_lazy("A resident with this ID number is already in the database.")
M_ID_BIRTH = gettext_lazy(
    "The birth date does not agree with the resident ID number, which says %(date)s."
)
M_ID_SEX = gettext_lazy("The sex does not agree with the resident ID number.")
M_AREA_UNKNOWN = gettext_lazy("Unknown area code %(code)s.")
M_AREA_SCOPE = gettext_lazy("Area %(code)s is outside your own area.")
M_AREA_LEVEL = gettext_lazy("Area %(code)s is not a village, community or grid.")
M_DATE = gettext_lazy("Write the date as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.")
M_DATE_RANGE = gettext_lazy("The birth date is impossible (before 1880 or in the future).")
M_RELATIONSHIP = gettext_lazy("Unknown relationship “%(value)s”. Use one of: %(choices)s.")
M_SEX = gettext_lazy("Write the sex as M, F, 男 or 女.")
M_NUMBER = gettext_lazy("“%(value)s” is not a number.")
M_LONGITUDE = gettext_lazy("Longitude must be between -180 and 180.")
M_LATITUDE = gettext_lazy("Latitude must be between -90 and 90.")
M_INCOME = gettext_lazy(
    "Write the yearly income in yuan as a number of zero or more with at most two decimals."
)
M_VULNERABILITY = gettext_lazy("Unknown vulnerability category “%(value)s”.")
M_TOO_LONG = gettext_lazy("At most %(max)s characters.")
M_CONFLICT = gettext_lazy(
    "Differs from the head's row (row %(row)s); household columns are taken from the head's row."
)
M_FILE_TYPE = gettext_lazy("Upload a .csv or .xlsx file.")
M_ENCODING = gettext_lazy("The file is neither UTF-8 nor GB18030/GBK text (near row %(row)s).")
M_EMPTY = gettext_lazy("The file has no header row.")
M_NO_ROWS = gettext_lazy("The file has a header but no rows.")
M_UNKNOWN_COLUMNS = gettext_lazy("Unknown columns: %(columns)s.")
M_MISSING_COLUMNS = gettext_lazy("Missing required columns: %(columns)s.")
M_DUPLICATE_COLUMNS = gettext_lazy("Columns given twice: %(columns)s.")
M_BAD_XLSX = gettext_lazy("The spreadsheet cannot be read: %(reason)s")
M_CONFLICTED = gettext_lazy(
    "The import conflicted with records saved at the same time; nothing was written. Try again."
)
M_ROW_LINE = gettext_lazy("Row %(row)s, column %(column)s: %(message)s")


class ImportFileError(Exception):
    """The file as a whole cannot be read (type, encoding, header)."""

    def __init__(self, message: str, *, row: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    households: int = 0
    residents: int = 0
    vulnerabilities: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "ok": self.ok,
            "written": self.written,
            "rows": self.rows,
            "households": self.households,
            "residents": self.residents,
            "vulnerabilities": self.vulnerabilities,
            "error_count": self.error_count,
            "errors": self.errors,
        }


def error_line(error: dict[str, Any]) -> str:
    return _(str(M_ROW_LINE)) % {
        "row": error["row"],
        "column": error["column"] or "-",
        "message": error["message"],
    }


# --- reading ------------------------------------------------------------------------


def detect_encoding(path: str) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK), from the first MiB."""
    with open(path, "rb") as fh:
        sample = fh.read(1 << 20)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if exc.start < len(sample) - 3 or len(sample) < (1 << 20):
            return "gb18030"
    return "utf-8"


def _count_lines(path: str) -> int:
    lines = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def _csv_rows(path: str) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
    encoding = detect_encoding(path)
    fh = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by the generator
    try:
        first = fh.readline()
    except UnicodeDecodeError:
        fh.close()
        raise ImportFileError(_(str(M_ENCODING)) % {"row": 1}) from None
    delimiter = "\t" if "\t" in first and "," not in first else ","
    fh.seek(0)
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        fh.close()
        raise ImportFileError(_(str(M_ENCODING)) % {"row": 1}) from None
    if header is None:
        fh.close()
        raise ImportFileError(_(str(M_EMPTY)))

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for number, row in enumerate(reader, start=2):  # noqa: B007 - read after the loop
                yield number, row
        except UnicodeDecodeError:
            raise ImportFileError(
                _(str(M_ENCODING)) % {"row": number + 1}, row=number + 1
            ) from None
        finally:
            fh.close()

    return header, rows(), max(_count_lines(path) - 1, 0)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: str) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_(str(M_BAD_XLSX)) % {"reason": exc}) from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    first = next(iterator, None)
    if first is None:
        workbook.close()
        raise ImportFileError(_(str(M_EMPTY)))
    header = [_cell(v) for v in first]
    total = max((sheet.max_row or 1) - 1, 0)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(iterator, start=2):
                yield number, [_cell(v) for v in values]
        finally:
            workbook.close()

    return header, rows(), total


def open_rows(path: str) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
    """(header, iterator of (row number, cells), estimated row count). Row 1 is the header."""
    extension = os.path.splitext(path)[1].lower()
    if extension in {".csv", ".txt"}:
        return _csv_rows(path)
    if extension == ".xlsx":
        return _xlsx_rows(path)
    raise ImportFileError(_(str(M_FILE_TYPE)))


def _header_key(text: str) -> str:
    return text.replace("\ufeff", "").strip().lower()


_HEADER_TO_KEY = {_header_key(en): key for key, en, _zh in COLUMNS} | {
    _header_key(zh): key for key, _en, zh in COLUMNS
}


def map_header(header: list[str]) -> tuple[list[int], list[str]]:
    """Positions of each column of COLUMNS in the file (-1 if absent) and their labels."""
    positions = [-1] * len(KEYS)
    labels = list(KEYS)
    unknown, twice = [], []
    for index, text in enumerate(header):
        if not _header_key(text):
            continue
        key = _HEADER_TO_KEY.get(_header_key(text))
        if key is None:
            unknown.append(text.strip())
            continue
        slot = KEYS.index(key)
        if positions[slot] != -1:
            twice.append(text.strip())
            continue
        positions[slot] = index
        labels[slot] = text.replace("\ufeff", "").strip()
    if unknown:
        raise ImportFileError(_(str(M_UNKNOWN_COLUMNS)) % {"columns": ", ".join(unknown)})
    if twice:
        raise ImportFileError(_(str(M_DUPLICATE_COLUMNS)) % {"columns": ", ".join(twice)})
    missing = [key for key in REQUIRED_COLUMNS if positions[KEYS.index(key)] == -1]
    if missing:
        raise ImportFileError(
            _(str(M_MISSING_COLUMNS))
            % {"columns": ", ".join(f"{key}/{HEADERS_ZH[KEYS.index(key)]}" for key in missing)}
        )
    return positions, labels


def vulnerability_lookup() -> dict[str, str]:
    """Codes, English labels, the fixed Chinese labels and the current zh-hans catalogue's."""
    lookup: dict[str, str] = {}
    for code, label in Vulnerability.choices:
        lookup[code] = code
        lookup[VULNERABILITY_ZH[code]] = code
        with translation.override("en"):
            lookup[str(label).lower()] = code
        with translation.override("zh-hans"):
            lookup[str(label)] = code
    return lookup


# --- validation and writing ------------------------------------------------------------


def _id_fast(text: str, today: dt.date) -> tuple[dt.date, str, str] | None:
    """(birth date, sex, number) of a well-formed ID number, or None to let the canonical
    validators.parse_id_number explain. Same rules, about five times faster: it runs
    six million times in a full import."""
    if not _ID_FAST.match(text):
        return None
    raw = text.encode("ascii")
    if _ID_CHECK[(sum(map(mul, raw[:17], _ID_WEIGHTS)) - _ID_OFFSET) % 11] != raw[17]:
        return None
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None
    if birth.year < 1880 or birth > today:
        return None
    return birth, "M" if raw[16] % 2 else "F", text


class _Abort(Exception):
    """A real run met its first problem: roll back and list them all with a dry run."""


@dataclass
class _Household:
    first_row: int
    household_no: str
    head_row: int
    area_code: str
    address: str
    longitude: float | None
    latitude: float | None
    phone: str
    languages: str
    income: Decimal | None
    vulnerabilities: tuple[str, ...]
    residents: list[tuple]  # (row, name, sex, birth, relationship, phone, id_number)
    area_id: int | None = None
    ok: bool = True


class _Run:
    def __init__(self, *, user, dry_run: bool, progress: Callable[[int, int], None] | None):
        self.user = user
        self.dry_run = dry_run
        self.progress = progress
        self.scope_path: str | None = None
        if user is not None:
            self.scope_path = user.area.path if user.area_id else "\x00"  # no area: nothing
        self.report = ImportReport(dry_run=dry_run)
        self.areas: dict[str, tuple[int, str, str] | None] = {}
        self.seen: dict[str, int] = {}  # dry run only: household number -> first row
        self.id_keys = array("q")  # dry run only: first 17 digits of each ID number
        self.id_rows = array("l")
        self.batch: list[_Household] = []
        self.handoff: queue.Queue | None = None  # real runs: see parse_beside_writing
        self.vulnerabilities = vulnerability_lookup()
        # Few distinct spellings recur millions of times: parse each once.
        self.vulnerability_cache: dict[str, tuple[str, ...]] = {}
        self.language_cache: dict[str, str] = {}
        self.today = dt.date.today()
        self.labels: list[str] = list(KEYS)
        self.total = 0
        now = timezone.now()
        self.now = connection.ops.adapt_datetimefield_value(now)

    # errors
    def error(self, at: int, column: int | None, message: Any, /, **params: Any) -> None:
        self.report.error_count += 1
        if len(self.report.errors) < ERROR_CAP:
            text = _(str(message)) % params if params else _(str(message))
            self.report.errors.append(
                {
                    "row": at,
                    "column": self.labels[column] if column is not None else "",
                    "message": text,
                }
            )
        if not self.dry_run:
            raise _Abort

    # rows
    def run(self, path: str) -> ImportReport:
        header, rows, self.total = open_rows(path)
        positions, self.labels = map_header(header)
        if self.dry_run:
            rows_seen = self.parse(rows, positions)
        else:
            rows_seen = self.parse_beside_writing(rows, positions)
        self.report.rows = rows_seen
        if rows_seen == 0:
            raise ImportFileError(_(str(M_NO_ROWS)), row=2)
        if self.dry_run:
            self.id_duplicates()
        if self.progress:
            self.progress(rows_seen, rows_seen)
        return self.report

    def parse_beside_writing(self, rows, positions: list[int]) -> int:
        """A real run reads and checks the file in a second thread while this one writes
        the previous batch: COPY waits on PostgreSQL with the GIL released, so parsing
        and the database's work overlap instead of taking turns. Only this thread
        touches the database; the reader hands over finished batches (at most two
        waiting, so memory stays bounded) and any exception it meets."""
        handoff: queue.Queue = queue.Queue(maxsize=2)
        self.handoff = handoff
        self.stopped = threading.Event()
        result: list[int] = []

        def read() -> None:
            try:
                result.append(self.parse(rows, positions))
                self.hand_off(None)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the writing thread
                if not self.stopped.is_set():
                    handoff.put(exc)
            finally:
                rows.close()

        reader = threading.Thread(target=read, name="import-reader", daemon=True)
        reader.start()
        try:
            while True:
                item = handoff.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                self.batch_finish(item)
        finally:
            self.stopped.set()
            reader.join()
        return result[0]

    def hand_off(self, batch: list[_Household] | None) -> None:
        while True:
            if self.stopped.is_set():
                raise _Abort
            try:
                self.handoff.put(batch, timeout=0.2)
                return
            except queue.Full:
                continue

    def parse(self, rows, positions: list[int]) -> int:
        """Read every row, check it, group rows into households; returns the row count."""
        current_no: str | None = None
        reused = False  # the current group's number belongs to a household above
        group: list[tuple] = []
        raw_group: list[list[str]] = []
        rows_seen = 0
        width = max(positions) + 1
        present = [p for p in positions if p >= 0]
        complete = len(present) == len(positions)
        pick = itemgetter(*positions) if complete else None
        for number, cells in rows:
            if pick is not None and len(cells) >= width:
                values = [c.strip() for c in pick(cells)]
            else:
                ncells = len(cells)
                values = [cells[p].strip() if 0 <= p < ncells else "" for p in positions]
            if not any(values):
                continue
            rows_seen += 1
            hno = values[C_HNO]
            if hno != current_no:
                if group and not reused:
                    self.household_end(current_no, group, raw_group)
                group, raw_group = [], []
                current_no, reused = hno, False
                if hno and self.dry_run:
                    first = self.seen.get(hno)
                    if first is not None:
                        self.error(number, C_HNO, M_REUSED, household_no=hno, row=first)
                        reused = True
                    else:
                        self.seen[hno] = number
            resident = self.resident_parse(number, values)
            if resident is not None:
                group.append(resident)
                raw_group.append(values)
        if group and not reused:
            self.household_end(current_no, group, raw_group)
        self.batch_end()
        return rows_seen

    def resident_parse(self, row: int, v: list[str]) -> tuple:
        ok = True
        hno, name = v[C_HNO], v[C_NAME]
        if not hno:
            self.error(row, C_HNO, M_REQUIRED)
            ok = False
        elif len(hno) > 32:
            self.error(row, C_HNO, M_TOO_LONG, max=32)
            ok = False
        if not name:
            self.error(row, C_NAME, M_REQUIRED)
            ok = False
        elif len(name) > 64:
            self.error(row, C_NAME, M_TOO_LONG, max=64)
            ok = False
        relationship = _RELATIONSHIPS.get(v[C_REL]) or _RELATIONSHIPS.get(v[C_REL].lower())
        if relationship is None:
            if v[C_REL]:
                self.error(
                    row,
                    C_REL,
                    M_RELATIONSHIP,
                    value=v[C_REL],
                    choices=", ".join(
                        f"{code}/{RELATIONSHIP_ZH[code]}" for code in Relationship.values
                    ),
                )
            else:
                self.error(row, C_REL, M_REQUIRED)
            ok = False
        sex = ""
        if v[C_SEX]:
            sex = _SEXES.get(v[C_SEX], "")
            if not sex:
                self.error(row, C_SEX, M_SEX)
                ok = False
        birth = None
        if v[C_BIRTH]:
            birth = self.date_parse(row, v[C_BIRTH])
            ok = ok and birth is not None
        id_number = None
        if v[C_ID]:
            parsed = _id_fast(v[C_ID], self.today)
            if parsed is None:
                # The slow, canonical check says what is wrong (and has the last word).
                try:
                    parsed = (*parse_id_number(v[C_ID]), normalize_id_number(v[C_ID]))
                except ValidationError as exc:
                    self.error(row, C_ID, exc.messages[0])
                    ok = False
            if parsed is not None:
                id_birth, id_sex, id_number = parsed
                if birth is not None and birth != id_birth:
                    self.error(row, C_BIRTH, M_ID_BIRTH, date=id_birth.isoformat())
                    ok = False
                if sex and sex != id_sex:
                    self.error(row, C_SEX, M_ID_SEX)
                    ok = False
                if self.dry_run:
                    self.id_keys.append(int(id_number[:17]))
                    self.id_rows.append(row)
        phone = v[C_PHONE]
        if phone and not _MOBILE_FAST.match(phone):
            phone = normalize_phone(phone)
            try:
                validate_phone(phone)
            except ValidationError as exc:
                self.error(row, C_PHONE, exc.messages[0])
                ok = False
        if not ok:
            return (row, None, None, None, None, None, None)
        return (row, name, sex, birth, relationship, phone, id_number)

    def date_parse(self, row: int, text: str) -> dt.date | None:
        if len(text) == 10 and text[4] == "-":
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                pass
            else:
                if value.year < 1880 or value > self.today:
                    self.error(row, C_BIRTH, M_DATE_RANGE)
                    return None
                return value
        match = _DATE_RE.match(text)
        if match is None:
            self.error(row, C_BIRTH, M_DATE)
            return None
        year, _sep, month, day, year8, month8, day8 = match.groups()
        try:
            value = (
                dt.date(int(year), int(month), int(day))
                if year
                else dt.date(int(year8), int(month8), int(day8))
            )
        except ValueError:
            self.error(row, C_BIRTH, M_DATE)
            return None
        if value.year < 1880 or value > self.today:
            self.error(row, C_BIRTH, M_DATE_RANGE)
            return None
        return value

    def number_parse(self, row: int, column: int, text: str, low: float, high: float, message):
        try:
            value = float(text)
        except ValueError:
            self.error(row, column, M_NUMBER, value=text)
            return None, False
        if not low <= value <= high:
            self.error(row, column, message)
            return None, False
        return value, True

    # households
    def household_end(self, hno: str | None, group: list[tuple], raw: list[list[str]]) -> None:
        if not hno:
            return  # every row already reported a missing household number
        first_row = group[0][0]
        heads = [i for i, r in enumerate(group) if r[4] == Relationship.HEAD]
        ok = all(r[1] is not None for r in group)
        if not heads:
            # A row whose relationship was bad may have meant "head": say nothing more.
            # Without a head there is no row to read the household columns from.
            if ok:
                self.error(first_row, C_REL, M_NO_HEAD, household_no=hno)
            return
        else:
            head_index = heads[0]
            for extra in heads[1:]:
                self.error(
                    group[extra][0], C_REL, M_TWO_HEADS, household_no=hno, row=group[heads[0]][0]
                )
                ok = False
        head = raw[head_index]
        head_row = group[head_index][0]
        if len(group) > 1:
            for index, values in enumerate(raw):
                if index == head_index or not any(_household_values(values)):
                    continue
                for column in _HOUSEHOLD_IDX:
                    if values[column] and values[column] != head[column]:
                        self.error(group[index][0], column, M_CONFLICT, row=head_row)
                        ok = False
        area_code = head[C_AREA]
        if not area_code:
            self.error(head_row, C_AREA, M_AREA_ON_HEAD)
            ok = False
        address = head[C_ADDRESS]
        if len(address) > 200:
            self.error(head_row, C_ADDRESS, M_TOO_LONG, max=200)
            ok = False
        longitude = latitude = None
        if head[C_LON]:
            longitude, good = self.number_parse(
                head_row, C_LON, head[C_LON], -180, 180, M_LONGITUDE
            )
            ok = ok and good
        if head[C_LAT]:
            latitude, good = self.number_parse(head_row, C_LAT, head[C_LAT], -90, 90, M_LATITUDE)
            ok = ok and good
        income = None
        if head[C_INCOME]:
            try:
                income = Decimal(head[C_INCOME].replace(",", ""))
            except InvalidOperation:
                income = None
            if (
                income is None
                or not income.is_finite()
                or income < 0
                or income > _INCOME_LIMIT
                or income.as_tuple().exponent < -2
            ):
                self.error(head_row, C_INCOME, M_INCOME)
                ok = False
                income = None
        vulnerabilities: tuple[str, ...] = ()
        if head[C_VULN]:
            vulnerabilities = self.vulnerability_cache.get(head[C_VULN]) or ()
            if not vulnerabilities:
                codes: list[str] = []
                for item in _VULN_SPLIT.split(head[C_VULN]):
                    item = item.strip()
                    if not item:
                        continue
                    code = self.vulnerabilities.get(item) or self.vulnerabilities.get(item.lower())
                    if code is None:
                        self.error(head_row, C_VULN, M_VULNERABILITY, value=item)
                        ok = False
                    elif code not in codes:
                        codes.append(code)
                vulnerabilities = tuple(codes)
                if ok and len(self.vulnerability_cache) < 10000:
                    self.vulnerability_cache[head[C_VULN]] = vulnerabilities
        languages = ""
        if head[C_LANG]:
            languages = self.language_cache.get(head[C_LANG], "")
            if not languages:
                languages = normalize_languages(head[C_LANG])
                try:
                    validate_languages(languages)
                except ValidationError as exc:
                    self.error(head_row, C_LANG, exc.messages[0])
                    ok = False
                else:
                    if len(self.language_cache) < 10000:
                        self.language_cache[head[C_LANG]] = languages
        head_resident = group[head_index]
        # The head first, so that an export lists the head on the household's first row.
        residents = [head_resident] + [r for i, r in enumerate(group) if i != head_index]
        self.batch.append(
            _Household(
                first_row=first_row,
                household_no=hno,
                head_row=head_row,
                area_code=area_code,
                address=address,
                longitude=longitude,
                latitude=latitude,
                phone=head_resident[5] or "",
                languages=languages,
                income=income,
                vulnerabilities=vulnerabilities,
                residents=residents,
                ok=ok,
            )
        )
        if len(self.batch) >= BATCH_HOUSEHOLDS:
            self.batch_end()

    def areas_resolve(self, codes: set[str]) -> None:
        missing = [code for code in codes if code not in self.areas]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for code in chunk:
                self.areas[code] = None
            for code, pk, level, path in Area.objects.filter(code__in=chunk).values_list(
                "code", "pk", "level", "path"
            ):
                self.areas[code] = (pk, level, path)

    def batch_end(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        if self.handoff is not None:
            self.hand_off(batch)
        else:
            self.batch_finish(batch)

    def batch_finish(self, batch: list[_Household]) -> None:
        """Area checks (one query for codes not seen before), then the database checks
        of a dry run or the writes of a real run. Runs in the thread that owns the
        database connection."""
        self.areas_resolve({h.area_code for h in batch if h.area_code})
        for household in batch:
            if not household.area_code:
                continue
            area = self.areas.get(household.area_code)
            if area is None:
                self.error(household.head_row, C_AREA, M_AREA_UNKNOWN, code=household.area_code)
                household.ok = False
            elif self.scope_path is not None and not area[2].startswith(self.scope_path):
                self.error(household.head_row, C_AREA, M_AREA_SCOPE, code=household.area_code)
                household.ok = False
            elif area[1] not in HOUSEHOLD_LEVELS:
                self.error(household.head_row, C_AREA, M_AREA_LEVEL, code=household.area_code)
                household.ok = False
            else:
                household.area_id = area[0]
        if self.dry_run:
            self.database_duplicates(batch)
        else:
            self.write(batch)
        for household in batch:
            self.report.households += 1
            self.report.residents += len(household.residents)
            self.report.vulnerabilities += len(household.vulnerabilities)
        if self.progress:
            done = batch[-1].residents[-1][0] - 1 if batch[-1].residents else 0
            self.progress(done, max(self.total, done))

    def database_duplicates(self, batch: list[_Household]) -> None:
        by_no = {h.household_no: h for h in batch}
        for hno in Household.objects.filter(household_no__in=list(by_no)).values_list(
            "household_no", flat=True
        ):
            household = by_no[hno]
            self.error(household.first_row, C_HNO, M_HNO_EXISTS, household_no=hno)
        rows_by_id = {r[6]: r[0] for h in batch for r in h.residents if r[6]}
        ids = list(rows_by_id)
        found: list[str] = []
        for start in range(0, len(ids), 5000):
            found += Resident.objects.filter(id_number__in=ids[start : start + 5000]).values_list(
                "id_number", flat=True
            )
        for id_number in sorted(found, key=rows_by_id.__getitem__):
            self.error(rows_by_id[id_number], C_ID, M_ID_EXISTS)

    def id_duplicates(self) -> None:
        """In-file duplicate ID numbers, found by one sort (6 million strings in a set
        would take most of the memory budget)."""
        ordered = sorted(self.id_keys)
        repeated = {a for a, b in zip(ordered, ordered[1:], strict=False) if a == b}
        del ordered
        if not repeated:
            return
        first: dict[int, int] = {}
        found: list[dict[str, Any]] = []
        for key, row in zip(self.id_keys, self.id_rows, strict=True):
            if key not in repeated:
                continue
            if key not in first:
                first[key] = row
                continue
            self.report.error_count += 1
            found.append(
                {
                    "row": row,
                    "column": self.labels[C_ID],
                    "message": _(str(M_ID_DUPLICATE)) % {"row": first[key]},
                }
            )
        merged = sorted(self.report.errors + found, key=lambda e: e["row"])
        self.report.errors = merged[:ERROR_CAP]

    HOUSEHOLD_FIELDS = [
        "id",
        "household_no",
        "area",
        "address",
        "latitude",
        "longitude",
        "phone",
        "languages",
        "annual_income",
        "created_at",
        "updated_at",
        "version",
    ]
    RESIDENT_FIELDS = [
        "household",
        "name",
        "sex",
        "birth_date",
        "relationship",
        "phone",
        "id_number",
        "occupation",
        "skills",
        "created_at",
        "updated_at",
    ]

    def write(self, batch: list[_Household]) -> None:
        # Every problem raised _Abort already, so each household here is valid.
        ids = allocate_ids(Household, len(batch))
        now = self.now
        bulk_insert(
            Household,
            self.HOUSEHOLD_FIELDS,
            (
                (
                    pk,
                    h.household_no,
                    h.area_id,
                    h.address,
                    h.latitude,
                    h.longitude,
                    h.phone,
                    h.languages,
                    h.income,
                    now,
                    now,
                    1,
                )
                for pk, h in zip(ids, batch, strict=True)
            ),
        )
        bulk_insert(
            Resident,
            self.RESIDENT_FIELDS,
            (
                (pk, r[1], r[2], r[3], r[4], r[5], r[6], "", "", now, now)
                for pk, h in zip(ids, batch, strict=True)
                for r in h.residents
            ),
        )
        bulk_insert(
            HouseholdVulnerability,
            ["household", "category"],
            (
                (pk, category)
                for pk, h in zip(ids, batch, strict=True)
                for category in h.vulnerabilities
            ),
        )


def import_households(
    path: str,
    *,
    user=None,
    dry_run: bool,
    channel: str,
    progress: Callable[[int, int], None] | None = None,
    source_name: str = "",
) -> ImportReport:
    """Validate (dry run) or import the file at `path`; nothing is written unless every
    row is valid. `user` limits the areas to the user's own subtree (None: no limit,
    for operators at the command line). Raises nothing for bad input: file-level
    problems come back as an error on row 1."""
    try:
        if dry_run:
            return _Run(user=user, dry_run=True, progress=progress).run(path)
        try:
            with transaction.atomic():
                run = _Run(user=user, dry_run=False, progress=progress)
                report = run.run(path)
                audit_record(
                    actor=user,
                    action=AuditAction.IMPORT,
                    object_type="household_import",
                    channel=channel,
                    detail={
                        "file": source_name or os.path.basename(path),
                        "rows": report.rows,
                        "households": report.households,
                        "residents": report.residents,
                    },
                )
        except _Abort:
            conflicted = False
        except (IntegrityError, connection.Database.IntegrityError):
            # core.bulk's COPY speaks to psycopg directly, so its errors come unwrapped.
            conflicted = True
        else:
            report.written = True
            if report.rows >= 10000:
                analyze(Household, Resident, HouseholdVulnerability)
            return report
        # Something was wrong and nothing was written: list every problem.
        report = _Run(user=user, dry_run=True, progress=progress).run(path)
        report.dry_run = False
        if report.ok and conflicted:
            report.error_count = 1
            report.errors = [{"row": 0, "column": "", "message": _(str(M_CONFLICTED))}]
        return report
    except ImportFileError as exc:
        report = ImportReport(dry_run=dry_run, error_count=1)
        report.errors = [{"row": exc.row, "column": "", "message": exc.message}]
        return report
