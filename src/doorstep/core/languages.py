"""Spoken languages: the codes Doorstep stores ("zh,ug") and their names in the
reader's language. One list, used by the registry, livelihoods and staff accounts, so
a household page, a job opening and a worker's profile name a language alike.

Forms offer the languages as ticked boxes (`LanguagesField`) instead of asking people
to type codes; templates show stored codes with `{{ value|language_names }}` (from
`{% load doorstep_words %}`)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

# Order: the languages most often spoken in the region first.
LANGUAGES = (
    ("zh", _("Chinese")),
    ("ug", _("Uyghur")),
    ("kk", _("Kazakh")),
    ("ky", _("Kyrgyz")),
    ("mn", _("Mongolian")),
    ("bo", _("Tibetan")),
    ("en", _("English")),
    ("ru", _("Russian")),
)
LANGUAGE_CODES = tuple(code for code, _label in LANGUAGES)
_NAMES = dict(LANGUAGES)


def split_codes(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Codes from "zh, ug", "zh，ug", ["zh", "ug"] or ["zh,ug"]: lower-cased, no repeats."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    codes: list[str] = []
    for item in items:
        for part in re.split(r"[,;，；、\s]+", str(item or "")):
            code = part.strip().lower()
            if code and code not in codes:
                codes.append(code)
    return codes


def language_name(code: str) -> str:
    """The language's name in the active language; an unknown code is shown as is."""
    return str(_NAMES.get(code, code))


def language_names(value, separator: str | None = None) -> str:
    """ "zh,ug" → "汉语、维吾尔语" (zh-hans), "Chinese, Uyghur" (en)."""
    return join_list([language_name(code) for code in split_codes(value)], separator)


def join_list(items: list[str], separator: str | None = None) -> str:
    """Items joined as the active language joins a list: 、 in Chinese, ", " in English."""
    if separator is None:
        separator = pgettext("between the items of a list", ", ")
    return separator.join(items)


class LanguagesField(forms.MultipleChoiceField):
    """Ticked boxes of languages; cleans to the stored form, codes joined by commas.

    Also takes codes typed into one value ("zh, ug"), as older clients post them."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", LANGUAGES)
        kwargs.setdefault("required", False)
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return split_codes(value)

    def to_python(self, value):
        return split_codes(super().to_python(value))

    def clean(self, value) -> str:  # type: ignore[override]
        return ",".join(super().clean(value))

    def has_changed(self, initial, data) -> bool:
        return split_codes(initial) != split_codes(data)
