"""Address search (`address LIKE '%...%'`, three characters or more) by a trigram index
on PostgreSQL. SQLite has no such index and scans, which is fine at its sizes.

Built CONCURRENTLY (so the migration is not atomic) because the household table is
large in production. Creating the pg_trgm extension needs a privileged role; where the
role lacks it the migration says so and leaves address search unindexed rather than
failing the deployment.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 - any refusal means: no trigram index
            print(f"\n  pg_trgm unavailable ({exc}); address search stays unindexed")
            return
        cursor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS household_address_trgm "
            "ON registry_household USING gin (address gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX CONCURRENTLY IF EXISTS household_address_trgm")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("registry", "0003_household_area_path_and_search_indexes")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
