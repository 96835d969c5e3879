"""Small-count suppression: the one rule, used by every page, API answer and export.

Analysts see aggregates only, and no count under five: a count of 0 to 4 reads "<5",
and so does any figure derived from fewer than five records (a rate, a mean, a
median), since a mean of two satisfaction scores tells who said what. Everything an
analyst is shown passes through `suppress`; figures.present() applies it to a whole
dashboard or report.
"""

from __future__ import annotations

from doorstep.accounts.models import Role

# The API's form of the rule (None for a hidden count, complementary suppression over
# a group) lives in core so that casework, below insights, uses the same function.
from doorstep.core.suppression import (  # noqa: F401 - re-exported
    SMALL_COUNT,
    suppress_count,
    suppress_group,
    suppress_rows,
)

SUPPRESSED = "<5"


def suppresses_for(user) -> bool:
    """Whether `user`'s views and exports are suppressed (analysts')."""
    return getattr(user, "role", None) == Role.ANALYST


def suppress(value, *, basis: int | None = None, active: bool = True):
    """`value`, or "<5" when suppression is `active` and the count behind it (`basis`,
    the value itself for a count) is under five. None (no data) stays None."""
    if not active or value is None:
        return value
    count = value if basis is None else basis
    return SUPPRESSED if count < SMALL_COUNT else value
