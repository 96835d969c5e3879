"""The one place that decides which role sees which link of the navigation (and of the
home page of roles without the household records).

A link is shown only to roles whose requests the page answers with something they can
use: analysts and responders used to see links that answered 404 (the route page of
pairing, the duty room's rosters). The pages keep their own checks (selectors answer
404 outside the scope); this list only keeps people from being sent there.
The tour test (demo/tests/test_browser_tour.py) follows every link shown to every
demo role and fails on a 404, so a wrong entry here is caught.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from doorstep.accounts.models import Role

STAFF = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: Promise
    roles: frozenset[str]
    # Shown on the home page of roles without the household records, under the label.
    description: Promise | None = None
    check: Callable[[object], bool] | None = None


NAV_LINKS: tuple[NavLink, ...] = (
    NavLink("registry:home", _("Home"), EVERYONE),
    NavLink("registry:households", _("Households"), STAFF, check=lambda u: u.can_read_registry),
    NavLink("casework:home", _("My visits"), STAFF),
    NavLink(
        "casework:referrals",
        _("Referrals"),
        frozenset({Role.RESPONDER}),
        _("needs referred to your unit: accept, decline, record what was done."),
    ),
    NavLink("casework:notifications", _("Notifications"), EVERYONE),
    NavLink("casework:welfare_rounds", _("Welfare checks"), STAFF),
    NavLink(
        "livelihoods:home",
        _("Jobs and training"),
        STAFF | {Role.ANALYST},
        _("relapse watch and outcomes of jobs and training, in figures."),
    ),
    NavLink(
        "monitoring:home",
        _("Monitoring"),
        STAFF | {Role.ANALYST},
        _("households under poverty monitoring and the decisions on them, in figures."),
    ),
    NavLink(
        "insights:home",
        _("Dashboard"),
        STAFF | {Role.ANALYST},
        _("coverage, needs and help given, by area and over time."),
    ),
    NavLink("pairing:home", _("Pairing plans"), STAFF),
    NavLink("hotline:board", _("Duty room"), STAFF),
    NavLink(
        "hotline:responder",
        _("Dispatched calls"),
        frozenset({Role.RESPONDER}),
        _("calls the duty room sent to your unit: acknowledge, arrive, resolve."),
    ),
    NavLink(
        "administration:home",
        _("Administration"),
        frozenset({Role.SUPERVISOR, Role.ADMIN}),
    ),
    NavLink("registry:import_upload", _("Import"), STAFF, check=lambda u: u.can_import),
)


def links_for(user) -> list[dict]:
    """The links `user` sees, in order: url, label, description, url name."""
    if not getattr(user, "is_authenticated", False):
        return []
    shown = []
    for link in NAV_LINKS:
        if user.role not in link.roles and not (user.is_superuser and link.roles == STAFF):
            continue
        if link.check is not None and not link.check(user):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:  # an app that is not installed
            continue
        shown.append(
            {
                "url": url,
                "label": link.label,
                "description": link.description,
                "name": link.url_name,
            }
        )
    return shown


def may_see(user, url_name: str) -> bool:
    return any(link["name"] == url_name for link in links_for(user))
