"""manage.py demo [--if-empty]: the demo data set and its accounts (see demo/demo.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from doorstep.administration.demo import administration_demo_load
from doorstep.casework.demo_pairings import casework_demo_load
from doorstep.casework.demo_welfare import welfare_demo_load
from doorstep.demo.demo import (
    DEMO_PASSWORD,
    demo_is_loaded,
    demo_load,
    existing_demo_accounts,
)
from doorstep.demo.synth import SynthError
from doorstep.insights.demo import insights_demo_load
from doorstep.livelihoods.demo import livelihoods_demo_load
from doorstep.pairing.demo import pairing_demo_load
from doorstep.portal.demo import demo_portal_line


class Command(BaseCommand):
    help = _(
        "Load the demo areas, one account per role and a few thousand synthetic "
        "households; print the accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing but print the accounts when households exist."),
        )
        parser.add_argument("--households", type=int, default=3000)
        parser.add_argument("--workers", type=int, default=300)

    def handle(self, *args, **options):
        if demo_is_loaded():
            if not options["if_empty"]:
                raise CommandError(
                    _(
                        "Households exist already: the demo loads into an empty database. "
                        "Use --if-empty to only print the accounts."
                    )
                )
            self.stdout.write(_("Households exist already: demo data not loaded again."))
        else:
            started = time.monotonic()
            try:
                loaded = demo_load(households=options["households"], workers=options["workers"])
                casework_demo_load()  # the demo workers' households and last contacts
                welfare_demo_load()  # casework: a cold-snap round with some checks done
                pairing_demo_load()  # villages' development needs, members' skills
                livelihoods_demo_load()  # jobs, training, income, relapse watch
                insights_demo_load()  # dashboards: summaries of everything above
                administration_demo_load()  # a worker who left; demo_admin in Django's admin
            except (SynthError, LookupError) as exc:
                raise CommandError(str(exc)) from exc
            result = loaded["synth"]
            self.stdout.write(
                _(
                    "Demo data: %(areas)d areas, %(households)d households, %(residents)d "
                    "residents, %(workers)d workers in %(seconds).1f s."
                )
                % {
                    "areas": loaded["areas"],
                    "households": result.households,
                    "residents": result.residents,
                    "workers": result.workers + result.leaders,
                    "seconds": time.monotonic() - started,
                }
            )
        self._print_accounts()

    def _print_accounts(self) -> None:
        users = existing_demo_accounts()
        if not users:
            return
        header = (_("username"), _("password"), _("role"), _("area"))
        rows = [
            (u.username, DEMO_PASSWORD, u.get_role_display(), f"{u.area.name} ({u.area.code})")
            for u in users
        ]
        widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(_pad(str(cell), width) for cell, width in zip(row, widths, strict=True))
            )
        self.stdout.write(demo_portal_line())


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
