"""The starting skills catalogue (administrators add more) and the relapse-watch rules
with their default parameters (supervisors change them).

Defaults: a yearly income per person under 7,500 yuan (about the monitoring line in
use); a drop of more than 30% on the year before; medical spending above 30% of the
household's income; serious illness, disability, a lost job or a disaster in the last
90 days.
"""

from decimal import Decimal

from django.db import migrations

SKILLS = [
    ("tailoring", "缝纫"),
    ("electrical", "电工"),
    ("car_repair", "汽车维修"),
    ("driving", "驾驶"),
    ("cooking", "烹饪"),
    ("embroidery", "刺绣"),
    ("animal_husbandry", "畜牧养殖"),
    ("ecommerce", "电子商务"),
    ("construction", "建筑施工"),
    ("farming", "种植"),
]

RULES = [
    ("income_below", {"threshold": Decimal("7500.00")}),
    ("income_drop", {"share": Decimal("0.300")}),
    ("medical_share", {"share": Decimal("0.300")}),
    ("illness_disability", {"lookback_days": 90}),
    ("job_lost", {"lookback_days": 90}),
    ("disaster", {"lookback_days": 90}),
]


def seed(apps, schema_editor):
    Skill = apps.get_model("livelihoods", "Skill")
    RelapseRule = apps.get_model("livelihoods", "RelapseRule")
    for code, name in SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name": name})
    for kind, params in RULES:
        RelapseRule.objects.get_or_create(kind=kind, defaults=params)


def unseed(apps, schema_editor):
    apps.get_model("livelihoods", "RelapseRule").objects.filter(
        kind__in=[k for k, _ in RULES], flags__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("livelihoods", "0001_jobs_training_income_relapse")]

    operations = [migrations.RunPython(seed, unseed)]
