"""manage.py synth: a synthetic region of households, residents and staff.

manage.py synth --households 1690000 --workers 1120000 --seed 1
manage.py synth --households 50000 --seed 7 --area 652901 --csv var/households.csv
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from doorstep.areas.models import Area
from doorstep.demo.synth import SynthError, synth_csv, synth_region


class Command(BaseCommand):
    help = _(
        "Generate a reproducible synthetic region (households, residents, staff) "
        "into the existing area tree, or as an import CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--workers", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--area", default=None, help=_("Code of the area to fill (default: every village).")
        )
        parser.add_argument(
            "--csv", default=None, help=_("Write the households to this CSV file instead.")
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["households"] < 0 or options["workers"] < 0:
            raise CommandError(_("Counts cannot be negative."))
        roots = None
        if options["area"]:
            root = Area.objects.filter(code=options["area"]).first()
            if root is None:
                raise CommandError(_("No area has the code %(code)s.") % {"code": options["area"]})
            roots = [root]
        progress = not options["no_progress"]
        started = time.monotonic()
        try:
            if options["csv"]:
                with open(options["csv"], "w", encoding="utf-8", newline="") as out:
                    result = synth_csv(
                        out,
                        households=options["households"],
                        seed=options["seed"],
                        roots=roots,
                        progress=progress,
                    )
            else:
                result = synth_region(
                    households=options["households"],
                    workers=options["workers"],
                    seed=options["seed"],
                    roots=roots,
                    progress=progress,
                )
        except SynthError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "%(households)d households, %(residents)d residents, %(vulns)d vulnerabilities "
                "in %(villages)d villages; %(workers)d workers and %(leaders)d team leaders "
                "and supervisors; %(seconds).1f s."
            )
            % {
                "households": result.households,
                "residents": result.residents,
                "vulns": result.vulnerabilities,
                "villages": result.villages,
                "workers": result.workers,
                "leaders": result.leaders,
                "seconds": time.monotonic() - started,
            }
        )
