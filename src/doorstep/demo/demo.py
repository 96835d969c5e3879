"""The demo data set behind `make run`: the demo areas, one account per role with a
known password, and a few thousand synthetic households around the demo workers.

The passwords are printed on purpose: this is a demonstration database on the
developer's own machine. `manage.py check --deploy` (PRODUCTION) never runs it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.db import transaction
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.areas.seed import DEMO_AREAS_FILE, load_area_file
from doorstep.demo.synth import synth_region
from doorstep.registry.models import Household

DEMO_PASSWORD = "doorstep-demo"  # noqa: S105 - printed to the developer; demo databases only
DEMO_SEED = 2026
# The demo workers' own villages get this many households: a list of about a page.
WORKER_VILLAGE_HOUSEHOLDS = 30

AKSU_CITY = "652901"
LINTAO = "621124"
KASHGAR_CITY = "653101"
XINJIANG = "65"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    area: Area
    languages: str
    first_name: str
    last_name: str


def _first_village(county_code: str, *, suffix: str) -> Area:
    village = (
        Area.objects.filter(
            level=AreaLevel.VILLAGE, code__startswith=county_code, name__endswith=suffix
        )
        .order_by("code")
        .first()
    )
    if village is None:
        raise LookupError(_("The demo areas have no village in %(code)s.") % {"code": county_code})
    return village


def demo_accounts() -> list[DemoAccount]:
    """The accounts and where they sit, read from the loaded demo areas."""
    aksu_community = _first_village(AKSU_CITY, suffix="社区")
    lintao_village = _first_village(LINTAO, suffix="村")
    township = aksu_community.parent
    county = Area.objects.get(code=AKSU_CITY)
    region = Area.objects.get(code=XINJIANG)
    return [
        DemoAccount("demo_worker", Role.WORKER, aksu_community, "zh,ug", "艾力·买买提", ""),
        DemoAccount("demo_worker_lintao", Role.WORKER, lintao_village, "zh", "建国", "王"),
        DemoAccount("demo_leader", Role.TEAM_LEADER, township, "zh,ug", "古丽娜尔·吐尔逊", ""),
        DemoAccount("demo_supervisor", Role.SUPERVISOR, county, "zh", "静", "李"),
        DemoAccount("demo_analyst", Role.ANALYST, region, "zh", "敏", "赵"),
        DemoAccount("demo_responder", Role.RESPONDER, county, "zh,ug", "热合曼·依明", ""),
        # The duty officer of the Langan subdistrict's duty room (hotline.demo).
        DemoAccount("demo_duty", Role.WORKER, township, "zh,ug", "阿依努尔·阿不都", ""),
        DemoAccount("demo_admin", Role.ADMIN, region, "zh", "伟", "张"),
    ]


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts or put them back as described (role, area, password)."""
    accounts = demo_accounts()
    for account in accounts:
        user = User.objects.filter(username=account.username).first() or User(
            username=account.username
        )
        user.role = account.role
        user.area = account.area
        user.languages = account.languages
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.latitude = account.area.latitude
        user.longitude = account.area.longitude
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
    return accounts


def existing_demo_accounts() -> list[User]:
    names = [a.username for a in demo_accounts()] if Area.objects.exists() else []
    return list(User.objects.filter(username__in=names).select_related("area").order_by("pk"))


def demo_load(*, households: int = 3000, workers: int = 300, seed: int = DEMO_SEED) -> dict:
    """Load everything; the caller checked that there are no households yet."""
    added = load_area_file(DEMO_AREAS_FILE)
    with transaction.atomic():
        accounts = ensure_demo_accounts()
        workers_villages = [a.area for a in accounts if a.role == Role.WORKER]
        roots = [
            Area.objects.get(code=AKSU_CITY),
            # The Lintao worker's township and the first township of Kashgar city.
            workers_villages[1].parent,
            Area.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=KASHGAR_CITY)
            .order_by("code")
            .first(),
        ]
        fixed = {village.code: WORKER_VILLAGE_HOUSEHOLDS for village in workers_villages}
        result = synth_region(
            households=households,
            workers=workers,
            seed=seed,
            roots=[root for root in roots if root is not None],
            fixed=fixed,
        )
    return {"areas": sum(added.values()), "synth": result}


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo: `load()` runs after the areas, accounts and synthetic
    households exist, in the order of DEMO_STEPS; it returns a count for the log."""

    label: str
    load: Callable[[], object]


def _step(module: str, function: str) -> Callable[[], object]:
    # Imported when run: the demo app depends on every app, no app on the demo.
    def load():
        return getattr(import_module(module), function)()

    return load


# Each app adds its own step here (keep the order: later steps read what earlier ones
# wrote; insights summarises the records, so it comes after them).
DEMO_STEPS: list[DemoStep] = [
    DemoStep(
        "members' categories to confirm",
        _step("doorstep.registry.demo", "registry_demo_load"),
    ),
    DemoStep(
        "names to find by part, pinyin, initials or Latin spelling",
        _step("doorstep.registry.demo", "registry_search_demo_load"),
    ),
    DemoStep(
        "the demo worker's households",
        _step("doorstep.casework.demo_pairings", "casework_demo_load"),
    ),
    DemoStep(
        "the field app: a stay of three days, a call logged for yesterday",
        _step("doorstep.fieldapp.demo", "fieldapp_demo_load"),
    ),
    DemoStep(
        "administration: a worker who left, demo_admin in Django's admin",  # before the year of contacts pairs the rest
        _step("doorstep.administration.demo", "administration_demo_load"),
    ),
    DemoStep(
        "units, twinning, needs, referrals",
        _step("doorstep.casework.demo_units", "units_demo_load"),
    ),
    DemoStep(
        "a year of visits and calls", _step("doorstep.casework.demo_history", "history_demo_load")
    ),
    DemoStep("welfare-check round", _step("doorstep.casework.demo_welfare", "welfare_demo_load")),
    DemoStep("duty rooms, rosters, calls", _step("doorstep.hotline.demo", "hotline_demo_load")),
    DemoStep(
        "a call of two categories, a patrol under way",
        _step("doorstep.hotline.demo_facts", "hotline_facts_demo_load"),
    ),
    DemoStep("village needs, members' skills", _step("doorstep.pairing.demo", "pairing_demo_load")),
    DemoStep(
        "jobs, training, income, relapse watch",
        _step("doorstep.livelihoods.demo", "livelihoods_demo_load"),
    ),
    DemoStep(
        "loops: referrals answered, a need for the resident to confirm",
        _step("doorstep.casework.demo_loops", "loops_demo_load"),
    ),
    DemoStep(
        "loops: help linked to needs, a month of income",
        _step("doorstep.livelihoods.demo_loops", "livelihoods_loops_demo_load"),
    ),
    DemoStep(
        "the demo worker's households: a year of visits, a business and its loan, training",
        _step("doorstep.livelihoods.demo_household", "household_history_demo_load"),
    ),
    DemoStep(
        "poverty status and the monitoring procedure",
        _step("doorstep.monitoring.demo", "monitoring_demo_load"),
    ),
    DemoStep("resident portal activity", _step("doorstep.portal.demo", "portal_demo_load")),
    DemoStep("dashboards", _step("doorstep.insights.demo", "insights_demo_load")),
]


def demo_steps_run(*, log: Callable[[str], None] | None = None) -> dict[str, float]:
    """Run every step; returns the seconds each took."""
    taken = {}
    for step in DEMO_STEPS:
        started = time.monotonic()
        step.load()
        taken[step.label] = time.monotonic() - started
        if log is not None:
            log(f"  {step.label}: {taken[step.label]:.1f} s")
    return taken


def demo_is_loaded() -> bool:
    return Household.objects.exists()
