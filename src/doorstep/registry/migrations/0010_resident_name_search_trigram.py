"""Name search (`name_search LIKE '%...%'`, registry.selectors.resident_name_q) by a
trigram index on PostgreSQL, as address search (0004). SQLite scans, which is fine at
its sizes.

Built CONCURRENTLY (so the migration is not atomic): the resident table is the
largest of the registry. Where the role may not create pg_trgm the migration says so
and leaves name search unindexed (correct, but a scan) rather than failing the
deployment.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 - any refusal means: no trigram index
            print(f"\n  pg_trgm unavailable ({exc}); name search stays unindexed")
            return
        cursor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS resident_name_search_trgm "
            "ON registry_resident USING gin (name_search gin_trgm_ops)"
        )
        # Fresh statistics for the new column, so the planner sees the index's worth.
        cursor.execute("ANALYZE registry_resident")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX CONCURRENTLY IF EXISTS resident_name_search_trgm")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("registry", "0009_resident_name_search")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
