"""Checking an import file's rows and households, and the database checks of each batch.

`_Checks` reads the rows, checks each one, groups them into households and collects
households into batches of `BATCH_HOUSEHOLDS`; each batch gets one query for area codes
not seen before and, in a dry run, one query each for household numbers and ID numbers
already in the database. A real run stops at the first problem (`_Abort`). Writing a
batch and the reader thread are the writer's (importing.writer._Run, the subclass).
"""

from __future__ import annotations

import datetime as dt
import queue
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter, mul
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doorstep.areas.models import HOUSEHOLD_LEVELS, Area
from doorstep.registry.importing.extra import extras
from doorstep.registry.importing.spec import (
    BATCH_HOUSEHOLDS,
    C_ADDRESS,
    C_AREA,
    C_BIRTH,
    C_HNO,
    C_ID,
    C_INCOME,
    C_LANG,
    C_LAT,
    C_LON,
    C_NAME,
    C_PHONE,
    C_REL,
    C_SEX,
    C_VULN,
    ERROR_CAP,
    HOUSEHOLD_KEYS,
    KEYS,
    M_AREA_LEVEL,
    M_AREA_ON_HEAD,
    M_AREA_SCOPE,
    M_AREA_UNKNOWN,
    M_CONFLICT,
    M_DATE,
    M_DATE_RANGE,
    M_HNO_EXISTS,
    M_ID_BIRTH,
    M_ID_DUPLICATE,
    M_ID_EXISTS,
    M_ID_SEX,
    M_INCOME,
    M_LATITUDE,
    M_LONGITUDE,
    M_NO_HEAD,
    M_NUMBER,
    M_RELATIONSHIP,
    M_REQUIRED,
    M_REUSED,
    M_SEX,
    M_TOO_LONG,
    M_TWO_HEADS,
    M_VULNERABILITY,
    RELATIONSHIP_ZH,
    VULNERABILITY_ZH,
    ImportReport,
)
from doorstep.registry.models import Household, Relationship, Resident, Vulnerability
from doorstep.registry.validators import (
    normalize_id_number,
    normalize_languages,
    normalize_phone,
    parse_id_number,
    validate_languages,
    validate_phone,
)

_HOUSEHOLD_IDX = tuple(KEYS.index(k) for k in HOUSEHOLD_KEYS)
_household_values = itemgetter(*_HOUSEHOLD_IDX)
_RELATIONSHIPS = {str(code): str(code) for code in Relationship.values} | {
    zh: str(code) for code, zh in RELATIONSHIP_ZH.items()
}
_SEXES = {"M": "M", "F": "F", "m": "M", "f": "F", "男": "M", "女": "F"}
MAX_LENGTHS = {C_HNO: 32, C_NAME: 64, C_ADDRESS: 200}

_MOBILE_FAST = re.compile(r"^1[3-9]\d{9}$")  # the common case, already normal
_ID_FAST = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_OFFSET = 48 * sum(_ID_WEIGHTS)  # the weighted sum of "0" characters
_ID_CHECK = b"10X98765432"
_DATE_RE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$|^(\d{4})(\d{2})(\d{2})$")
_VULN_SPLIT = re.compile(r"[;；]")
_INCOME_LIMIT = Decimal("9999999999.99")


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
    area_path: str = ""  # copied onto Household.area_path by the writer
    ok: bool = True
    # Other apps' parsed columns (importing.extra): (ExtraColumns, parsed) pairs.
    extra_values: list = field(default_factory=list)


class _Checks:
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
        extra_values = self.extras_parse(head, head_row) if len(head) > len(KEYS) else []
        if extra_values is None:
            ok, extra_values = False, []
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
                extra_values=extra_values,
            )
        )
        if len(self.batch) >= BATCH_HOUSEHOLDS:
            self.batch_end()

    def extras_parse(self, head: list[str], head_row: int) -> list | None:
        """Other apps' columns on the head's row (importing.extra); None on an error."""
        parsed, offset, failed = [], len(KEYS), False
        for extra in extras():
            width = len(extra.columns)
            value, errors = extra.check(list(head[offset : offset + width]))
            for column, message in errors:
                self.error(head_row, offset + column, message)
                failed = True
            if value is not None:
                parsed.append((extra, value))
            offset += width
        return None if failed else parsed

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
                household.area_id, household.area_path = area[0], area[2]
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
