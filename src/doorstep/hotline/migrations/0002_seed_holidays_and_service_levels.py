import datetime as dt

from django.db import migrations

# State Council holiday notices: 2026 as published. The 2027 notice is not out yet:
# these are the expected dates (Spring Festival eve to the sixth day; 1–7 October) and
# the admin corrects them when it appears.
HOLIDAYS = [
    ("spring_festival", dt.date(2026, 2, 15), dt.date(2026, 2, 23)),
    ("national_day", dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
    ("spring_festival", dt.date(2027, 2, 5), dt.date(2027, 2, 11)),
    ("national_day", dt.date(2027, 10, 1), dt.date(2027, 10, 7)),
]

# Minutes to acknowledge, arrive, resolve. Lift entrapment: maintenance companies must
# be on scene within 30 minutes (national lift maintenance rules).
SERVICE_LEVELS = {
    "lift_entrapment": (5, 30, 60),
    "gas": (5, 30, 240),
    "fire_hazard": (5, 30, 240),
    "person_in_danger": (5, 20, 120),
    "power": (15, 60, 480),
    "water": (15, 60, 480),
    "noise_dispute": (30, 120, 1440),
    "sanitation": (60, 240, 2880),
    "other": (60, 240, 2880),
}


def seed(apps, schema_editor):
    Holiday = apps.get_model("hotline", "Holiday")
    CallServiceLevel = apps.get_model("hotline", "CallServiceLevel")
    for kind, start, end in HOLIDAYS:
        Holiday.objects.get_or_create(kind=kind, starts_on=start, defaults={"ends_on": end})
    for category, (ack, arrive, resolve) in SERVICE_LEVELS.items():
        CallServiceLevel.objects.get_or_create(
            category=category,
            defaults={
                "acknowledge_minutes": ack,
                "arrive_minutes": arrive,
                "resolve_minutes": resolve,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_rosters_calls_dispatch_patrols")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
