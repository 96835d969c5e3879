"""Words shown in the reader's language: language names for stored codes, choice
labels for stored comma-separated choices, and generated texts stored as codes."""

from __future__ import annotations

from django import template

from doorstep.core.languages import join_list as _join_list
from doorstep.core.languages import language_names as _language_names
from doorstep.core.names import full_name
from doorstep.core.texts import render_text

register = template.Library()


@register.filter
def language_names(value) -> str:
    """{{ household.languages|language_names }}: "zh,ug" → 汉语、维吾尔语 / Chinese, Uyghur."""
    return _language_names(value)


@register.filter
def join_list(values) -> str:
    """Labels joined as the reader's language joins a list (、 in Chinese)."""
    return _join_list([str(v) for v in values or []])


@register.simple_tag
def text(code: str, params, fallback: str = "") -> str:
    """{% text need.title_code need.title_params need.title %}: a generated text in
    the reader's language (core.texts), or the stored words when it has no code."""
    return render_text(code, params, fallback)


@register.simple_tag
def person_name(family: str | None, given: str | None, fallback: str = "") -> str:
    """{% person_name family given username %}: a name in its culture's order."""
    return full_name(family, given) or fallback
