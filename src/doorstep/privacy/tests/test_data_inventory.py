"""docs/data-inventory.md lists every stored field, personal or not, so that adding a
field is always a decision about personal data (privacy issue: the inventory test)."""

import re
from pathlib import Path

from django.apps import apps

INVENTORY = Path(__file__).resolve().parents[4] / "docs" / "data-inventory.md"
_ENTRY = re.compile(r"\b([a-z_]+\.[A-Z][A-Za-z0-9]+\.[a-z_0-9]+)\b")


def _stored_fields() -> set[str]:
    names = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("doorstep."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                stored = getattr(field, "concrete", False) or field.many_to_many
                if stored and not field.auto_created:
                    names.add(f"{config.label}.{model.__name__}.{field.name}")
    return names


def _listed() -> set[str]:
    return set(_ENTRY.findall(INVENTORY.read_text(encoding="utf-8")))


def test_every_stored_field_is_in_the_data_inventory():
    missing = sorted(_stored_fields() - _listed())
    assert not missing, "add these to docs/data-inventory.md (personal or not): " + ", ".join(
        missing
    )


def test_the_inventory_lists_no_field_that_does_not_exist():
    stale = sorted(_listed() - _stored_fields())
    assert not stale, "remove or rename in docs/data-inventory.md: " + ", ".join(stale)


def test_no_field_is_listed_both_as_personal_and_not_personal():
    text = INVENTORY.read_text(encoding="utf-8")
    personal, _, rest = text.partition("## Not personal")
    both = set(_ENTRY.findall(personal)) & set(_ENTRY.findall(rest))
    assert not both, ", ".join(sorted(both))
