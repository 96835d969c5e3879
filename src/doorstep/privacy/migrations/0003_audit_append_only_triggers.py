"""The audit log is append-only for everyone, administrators included: triggers
refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) on privacy_auditevent.

Vendor-specific SQL. On SQLite a later migration that rebuilds this table (SQLite's
way of altering one) drops its triggers with it: such a migration must create them
again; privacy/tests/test_audit_append_only.py fails if it does not.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION privacy_auditevent_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'privacy_auditevent is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER privacy_auditevent_append_only
    BEFORE UPDATE OR DELETE ON privacy_auditevent
    FOR EACH ROW EXECUTE FUNCTION privacy_auditevent_refuse()
    """,
    """
    CREATE TRIGGER privacy_auditevent_no_truncate
    BEFORE TRUNCATE ON privacy_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION privacy_auditevent_refuse()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_truncate ON privacy_auditevent",
    "DROP TRIGGER IF EXISTS privacy_auditevent_append_only ON privacy_auditevent",
    "DROP FUNCTION IF EXISTS privacy_auditevent_refuse()",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER privacy_auditevent_no_update BEFORE UPDATE ON privacy_auditevent
    BEGIN SELECT RAISE(ABORT, 'privacy_auditevent is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER privacy_auditevent_no_delete BEFORE DELETE ON privacy_auditevent
    BEGIN SELECT RAISE(ABORT, 'privacy_auditevent is append-only: DELETE refused'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_update",
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_delete",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)  # no %-formatting of the SQL

    return run


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_consent_corrections_resident_actor")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
