"""Default service levels for every category and urgency; supervisors adjust them later.

Hours by urgency: immediate needs are acknowledged within 4 hours and resolved within
3 days; high within a day and two weeks; normal within 3 days and 30 days.
"""

from django.db import migrations

CATEGORIES = [
    "housing",
    "medical_costs",
    "employment",
    "training",
    "income",
    "education",
    "elderly_care",
    "disability_support",
    "village_infrastructure",
    "legal_aid",
    "other",
]
# urgency: (acknowledge_hours, resolve_hours, supervisor_after_hours)
DEFAULTS = {
    "immediate": (4, 72, 8),
    "high": (24, 14 * 24, 24),
    "normal": (72, 30 * 24, 72),
}
# Infrastructure (a road, a water project) cannot be resolved in a month.
SLOW = {"village_infrastructure": 180 * 24}


def seed(apps, schema_editor):
    ServiceLevel = apps.get_model("casework", "ServiceLevel")
    rows = []
    for category in CATEGORIES:
        for urgency, (ack, resolve, supervisor_after) in DEFAULTS.items():
            if category in SLOW and urgency == "normal":
                resolve = SLOW[category]
            rows.append(
                ServiceLevel(
                    category=category,
                    urgency=urgency,
                    acknowledge_hours=ack,
                    resolve_hours=resolve,
                    supervisor_after_hours=supervisor_after,
                )
            )
    ServiceLevel.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("casework", "ServiceLevel").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_pairings_contacts_needs")]

    operations = [migrations.RunPython(seed, unseed)]
