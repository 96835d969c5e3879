"""Default targets (everywhere); an area may set its own in the admin."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    "coverage": Decimal("90"),
    "resolved_share": Decimal("80"),
    "median_resolve_hours": Decimal("72"),
    "breaches_per_100": Decimal("10"),
    "satisfaction": Decimal("4"),
    "referral_answer_hours": Decimal("48"),
}


def seed(apps, schema_editor):
    Target = apps.get_model("insights", "Target")
    for metric, value in DEFAULTS.items():
        Target.objects.get_or_create(metric=metric, area=None, defaults={"value": value})


def unseed(apps, schema_editor):
    apps.get_model("insights", "Target").objects.filter(area=None).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_area_day_summaries_and_targets")]
    operations = [migrations.RunPython(seed, unseed)]
