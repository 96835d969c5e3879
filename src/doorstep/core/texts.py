"""Texts Doorstep writes itself (a need opened by the relapse watch, a welfare check's
need, a line on a need's timeline, a notification's words) are stored as a code and
its parameters, and put into words when read, in the reader's language.

A row keeps three things: `<field>` (the words in the default language, for exports,
search and SMS), `<field>_code` and `<field>_params` (a JSON object of plain values:
numbers, strings, codes of choices, lists of those). Pages and the API show
`render_text(code, params, fallback=<field>)`; a row without a code (words a person
typed, or an old sentence the 0-migrations could not read) shows its stored words.

An app registers its texts from its `texts.py`, imported by its AppConfig.ready():

    register_text("casework.welfare_need", gettext_noop("Welfare check: %(problems)s"),
                  labels={"problems": question_label})

`labels` turns a stored code into words at display time (a TextChoices class or a
function); a list of codes becomes a list joined in the reader's language. Services
pass `Text(code, params)` wherever they used to pass a translated sentence."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext

from doorstep.core.languages import join_list

Renderer = Callable[[Mapping[str, Any]], str]
_TEXTS: dict[str, Renderer] = {}


def yuan(value) -> str:
    """5513.2 → "5,513" (whole yuan, thousands grouped)."""
    try:
        return f"{Decimal(str(value)):,.0f}"
    except (InvalidOperation, ValueError, TypeError):
        return "?"


def percent(value) -> str:
    """0.25 → "25"."""
    try:
        return f"{Decimal(str(value)) * 100:.0f}"
    except (InvalidOperation, ValueError, TypeError):
        return "?"


def _labeller(convert) -> Callable[[Any], str]:
    if isinstance(convert, type) and issubclass(convert, Choices):
        names = dict(convert.choices)
        return lambda value: str(names.get(value, value))
    return lambda value: str(convert(value))


def register_text(
    code: str,
    message: str | None = None,
    *,
    labels: Mapping[str, Any] | None = None,
    render: Renderer | None = None,
) -> None:
    """A text by its code: a message (marked with gettext_noop, "%(name)s" for its
    parameters) or a function of the parameters that returns words."""
    if (message is None) == (render is None):
        raise ValueError("give a message or a render function")
    if render is None:
        convert = {name: _labeller(c) for name, c in (labels or {}).items()}

        def render(params: Mapping[str, Any], message=message) -> str:
            values = {}
            for name, value in params.items():
                shown = convert.get(name)
                if shown is not None:
                    value = (
                        join_list([shown(v) for v in value])
                        if isinstance(value, list)
                        else shown(value)
                    )
                values[name] = value
            return gettext(message) % values

    _TEXTS[code] = render


def is_registered(code: str) -> bool:
    return code in _TEXTS


def render_text(code: str | None, params: Mapping[str, Any] | None, fallback: str = "") -> str:
    """The words of a stored text in the active language; its stored words when it has
    no code, an unknown code, or parameters that do not fit (never an error page)."""
    if not code:
        return fallback
    renderer = _TEXTS.get(code)
    if renderer is None:
        return fallback or code
    try:
        return renderer(params or {})
    except (KeyError, ValueError, TypeError, IndexError):
        return fallback or code


@dataclass(frozen=True)
class Text:
    """A generated text on its way to a row: services store `code` and `params` and,
    beside them, the words in the default language (`default_words`)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render_text(self.code, self.params, self.code)

    def default_words(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return str(self)


def stored(value: str | Text | None, limit: int | None = None) -> tuple[str, str, dict]:
    """(words, code, params) to store for a service argument that may be a Text."""
    if isinstance(value, Text):
        words = value.default_words()
        return (words[:limit] if limit else words), value.code, dict(value.params)
    words = value or ""
    return (words[:limit] if limit else words), "", {}


def text_columns() -> tuple[models.CharField, models.JSONField]:
    """The code and parameters stored beside a text column:
    `title_code, title_params = text_columns()`."""
    return (
        models.CharField(max_length=60, blank=True, default=""),
        models.JSONField(default=dict, blank=True),
    )


def stored_columns(name: str, value: str | Text | None, limit: int | None = None) -> dict:
    """Keyword arguments for a row: {name: words, name_code: code, name_params: params}."""
    words, code, params = stored(value, limit)
    return {name: words, f"{name}_code": code, f"{name}_params": params}
