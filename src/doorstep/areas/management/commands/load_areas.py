"""`manage.py load_areas [--file PATH]`: add the areas of a file to the tree.

Without --file it loads the demo set (Aksu, Kashgar, Lintao). Safe to run again:
areas that exist are skipped.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from doorstep.areas.models import AreaLevel
from doorstep.areas.seed import DEMO_AREAS_FILE, AreaFileError, load_area_file


class Command(BaseCommand):
    help = "Load areas (region down to grid) from a CSV file; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DEMO_AREAS_FILE,
            help="CSV or gzipped CSV with code,name,level,parent_code,latitude,longitude,"
            "is_generated,coordinates_generated (default: the demo areas).",
        )

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        started = time.monotonic()
        try:
            counts = load_area_file(file)
        except AreaFileError as error:
            raise CommandError(str(error)) from error
        labels = dict(AreaLevel.choices)
        for level, count in counts.items():
            self.stdout.write(
                _("%(level)s: %(count)d added") % {"level": labels[level], "count": count}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)d areas added from %(file)s in %(seconds).1f s.")
                % {
                    "count": sum(counts.values()),
                    "file": file.name,
                    "seconds": time.monotonic() - started,
                }
            )
        )
