"""Panels other apps add to the household page, so registry imports none of them.

A higher app registers a function (request, household) -> HTML or "" from its
AppConfig.ready (monitoring shows the household's poverty status this way). Each
panel runs its own scoped reads; the household was already read (and audited) by
the page.
"""

from __future__ import annotations

from collections.abc import Callable

HouseholdPanel = Callable[[object, object], str]

_panels: list[HouseholdPanel] = []


def register_household_panel(panel: HouseholdPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def household_panels(request, household) -> list[str]:
    return [html for panel in _panels if (html := panel(request, household))]
