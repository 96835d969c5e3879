"""Reading an import file: encoding detection (UTF-8 or GB18030), streaming CSV or XLSX
rows without holding the file in memory, and mapping the header to `COLUMNS`."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from doorstep.registry.importing.extra import extras
from doorstep.registry.importing.spec import (
    COLUMNS,
    HEADERS_ZH,
    KEYS,
    M_BAD_XLSX,
    M_DUPLICATE_COLUMNS,
    M_EMPTY,
    M_ENCODING,
    M_FILE_TYPE,
    M_MISSING_COLUMNS,
    M_UNKNOWN_COLUMNS,
    REQUIRED_COLUMNS,
    ImportFileError,
)


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
    # Other apps' optional columns (importing.extra), after the registry's own.
    extra_keys = {}
    extra_labels = []
    for extra in extras():
        for _key, en, zh in extra.columns:
            extra_keys[_header_key(en)] = extra_keys[_header_key(zh)] = len(extra_labels)
            extra_labels.append(en)
    extra_positions = [-1] * len(extra_labels)
    for index, text in enumerate(header):
        if not _header_key(text):
            continue
        key = _HEADER_TO_KEY.get(_header_key(text))
        if key is None:
            slot = extra_keys.get(_header_key(text))
            if slot is None:
                unknown.append(text.strip())
            elif extra_positions[slot] != -1:
                twice.append(text.strip())
            else:
                extra_positions[slot] = index
                extra_labels[slot] = text.replace("\ufeff", "").strip()
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
    if any(p != -1 for p in extra_positions):
        # Only when the file has them: a file without them keeps the fast path.
        positions += extra_positions
        labels += extra_labels
    return positions, labels
