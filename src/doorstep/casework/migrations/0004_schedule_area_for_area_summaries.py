"""ContactSchedule.area, a copy of the household's area, and the (area, worker,
next_due_on) index the area summaries read (docs/benchmarks.md, "Casework").

Added nullable, filled from the households in one UPDATE, then indexed; on
PostgreSQL the index is built CONCURRENTLY (hence a non-atomic migration), so a
live 1.69-million-row schedule keeps taking writes meanwhile.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_area(apps, schema_editor):
    ContactSchedule = apps.get_model("casework", "ContactSchedule")
    Household = apps.get_model("registry", "Household")
    ContactSchedule.objects.update(
        area_id=Subquery(Household.objects.filter(pk=OuterRef("pk")).values("area_id")[:1])
    )


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex, built CONCURRENTLY on PostgreSQL; plain elsewhere (SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("areas", "0001_initial"),
        ("casework", "0003_notifications_for_overdue_referrals"),
        ("registry", "0002_import_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactschedule",
            name="area",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="areas.area",
            ),
        ),
        migrations.RunPython(fill_area, migrations.RunPython.noop),
        AddIndexConcurrentlyOnPostgres(
            model_name="contactschedule",
            index=models.Index(
                fields=["area", "worker", "next_due_on"], name="schedule_area_worker_due"
            ),
        ),
    ]
