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

The modules, in the order a row travels through them:
- `spec`: the columns, the fixed Chinese vocabulary, the messages and the report;
- `reader`: encoding detection, CSV/XLSX streaming, header mapping;
- `checks`: row and household checks, the database checks of each batch;
- `writer`: the reader thread beside the writing thread, core.bulk writes, and
  `import_households`, the one entry point of the command, the task and the pages.
"""

from doorstep.registry.importing.reader import detect_encoding, map_header, open_rows
from doorstep.registry.importing.spec import (
    BATCH_HOUSEHOLDS,
    COLUMNS,
    ERROR_CAP,
    HEADERS_EN,
    HEADERS_ZH,
    KEYS,
    RELATIONSHIP_ZH,
    SEX_ZH,
    VULNERABILITY_ZH,
    ImportFileError,
    ImportReport,
    error_line,
)
from doorstep.registry.importing.writer import import_households

__all__ = [
    "BATCH_HOUSEHOLDS",
    "COLUMNS",
    "ERROR_CAP",
    "HEADERS_EN",
    "HEADERS_ZH",
    "KEYS",
    "RELATIONSHIP_ZH",
    "SEX_ZH",
    "VULNERABILITY_ZH",
    "ImportFileError",
    "ImportReport",
    "detect_encoding",
    "error_line",
    "import_households",
    "map_header",
    "open_rows",
]
