"""The one interface to bulk writes. PostgreSQL gets COPY and sequence-allocated ids;
SQLite gets executemany inside the caller's transaction. Nothing else in Doorstep
speaks COPY or touches sequences, so the fast path can change in one place.

Rows are tuples of database-ready values in the order of `fields` (model field
names). Callers own the transaction: wrap a whole import in `transaction.atomic()`
so that it is all-or-nothing on both backends. Errors are Django's on both backends
(django.db.IntegrityError, DataError, ...), never the driver's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, models


def _columns(model: type[models.Model], fields: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk_insert(
    model: type[models.Model], fields: list[str], rows: Iterable[tuple], *, batch_size: int = 5000
) -> int:
    """Insert every row; returns the count. Streams: memory is bounded by one batch."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, fields)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            # The raw cursor bypasses Django's error translation: without this, a
            # duplicate raises psycopg's IntegrityError, which `except IntegrityError`
            # (django.db) in callers such as registry.importing.writer would miss.
            with (
                connection.wrap_database_errors,
                raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        # Django's cursor wrapper already turns sqlite3's errors into django.db's.
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608 - names from model metadata
        for chunk in _chunks(rows, batch_size):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys for rows the caller will insert with bulk_insert.

    PostgreSQL draws them from the table's identity sequence, so concurrent writers
    never collide. SQLite serializes writers (transactions start IMMEDIATE), so the
    ids above the current maximum are free until the caller's transaction ends.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) FROM {connection.ops.quote_name(table)}"  # noqa: S608 - names come from model metadata
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def analyze(*models_: type[models.Model]) -> None:
    """Refresh planner statistics after a large load so the next query plans well."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
