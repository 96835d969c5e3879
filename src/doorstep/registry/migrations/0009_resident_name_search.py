"""Residents' name search keys (issue 17, item 5): a `name_search` column, filled for
every existing resident in batches.

The backfill walks residents in primary-key order, BATCH at a time, each batch in its
own transaction (the migration is not atomic), so a registry of millions never holds
one long transaction or lock, and a run stopped half-way resumes where the keys are
still empty. It imports registry.search_keys, a module of pure functions with no
models (the rule "no app imports" guards against importing models that drift): the
key must be the one the application computes, and a later change to the key comes
with its own backfill migration.
"""

from django.db import migrations, models, transaction

BATCH = 2000


def backfill_name_search(apps, schema_editor):
    from doorstep.registry.search_keys import name_search_key

    Resident = apps.get_model("registry", "Resident")
    db = schema_editor.connection.alias
    last = 0
    while True:
        rows = list(
            Resident.objects.using(db)
            .filter(pk__gt=last, name_search="")
            .exclude(name="")
            .order_by("pk")
            .values_list("pk", "name")[:BATCH]
        )
        if not rows:
            return
        with transaction.atomic(using=db):
            Resident.objects.using(db).bulk_update(
                [Resident(pk=pk, name_search=name_search_key(name)) for pk, name in rows],
                ["name_search"],
                batch_size=500,
            )
        last = rows[-1][0]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("registry", "0008_resident_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="resident",
            name="name_search",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.RunPython(backfill_name_search, migrations.RunPython.noop, elidable=True),
    ]
