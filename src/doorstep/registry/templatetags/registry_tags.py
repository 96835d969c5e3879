"""Display helpers for registry pages: age, masked ID numbers, category labels, and
links to pages that other parts of Doorstep may or may not provide yet."""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from doorstep.registry.models import Vulnerability

register = template.Library()

_VULNERABILITY_LABELS = dict(Vulnerability.choices)


@register.filter
def age(birth_date: dt.date | None) -> int | str:
    if not birth_date:
        return ""
    today = timezone.localdate()
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return max(years, 0)


@register.filter
def mask_id(value: str | None) -> str:
    """All but the last four characters hidden: enough to tell two residents apart."""
    if not value:
        return ""
    return "•" * (len(value) - 4) + value[-4:]


@register.filter
def vulnerability_label(category: str) -> str:
    return str(_VULNERABILITY_LABELS.get(category, category))


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """The URL of `name`, or "" while the page that owns it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def head_name(household) -> str:
    """The name a page gives a household: its head's (issue 17), else its number.
    `household` must come from a selector (scoped and audited); with its residents
    prefetched (household_for) this costs no query."""
    from doorstep.registry.selectors import household_head

    head = household_head(household)
    return head.name if head and head.name else household.household_no
