"""Test support for the append-only audit log.

pytest-django empties the database after each transactional test (live server,
browser tests) with Django's flush: TRUNCATE on PostgreSQL, DELETE on SQLite, both of
which the audit triggers refuse (migration 0003). `allow_test_flush()` lets exactly
that flush through: it lifts the triggers for the flush's own statements and puts
them back at once. It is installed by the root conftest.py and never in production.
"""

from __future__ import annotations

import contextlib

from django.db.backends.base.operations import BaseDatabaseOperations

TABLE = "privacy_auditevent"


def _lift_and_restore(connection):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        return [f"ALTER TABLE {TABLE} ENABLE TRIGGER USER"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        return [sql for _name, sql in triggers]
    return []


@contextlib.contextmanager
def allow_test_flush():
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if not any(TABLE in sql for sql in sql_list):
            return original(self, sql_list)
        restore = _lift_and_restore(self.connection)
        try:
            return original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                for sql in restore:
                    cursor.execute(sql)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original
