"""manage.py import_households FILE [--dry-run] [--user NAME]

Exit status: 0 when the file is clean (and, without --dry-run, imported), 1 when it has
errors (nothing is written), 2 for a bad command line.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from doorstep.accounts.models import User
from doorstep.registry.importing import import_households


class Command(BaseCommand):
    help = "Import households from a CSV or XLSX file (one row per resident)."
    # The system checks import every URL module (about a second) and check nothing the
    # import needs; `manage.py check` runs them in CI.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file in the import format")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument(
            "--user",
            help="import as this staff account: its role must allow imports and every "
            "area code must lie inside its area (default: no area limit)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar (for logs and scripts)"
        )

    def handle(
        self, *args, file: str, dry_run: bool, user: str | None, no_progress: bool, **options
    ):
        if not os.path.isfile(file):
            raise CommandError(_("No such file: %(path)s") % {"path": file}, returncode=2)
        actor = None
        if user:
            actor = User.objects.select_related("area").filter(username=user).first()
            if actor is None:
                raise CommandError(
                    _("No staff account named %(name)s.") % {"name": user}, returncode=2
                )
            if not actor.can_import:
                raise CommandError(
                    _("The account %(name)s may not import households.") % {"name": user},
                    returncode=2,
                )
        bar = tqdm(
            total=0,
            unit=" rows",
            unit_scale=True,
            disable=no_progress or None,  # None: only on a terminal
            file=sys.stderr,
            desc=_("Checking") if dry_run else _("Importing"),
        )

        def progress(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            report = import_households(
                file,
                user=actor,
                dry_run=dry_run,
                channel="command:import_households",
                progress=progress,
                source_name=os.path.basename(file),
            )
        finally:
            bar.close()

        if report.errors:
            width = max(len(str(e["column"])) for e in report.errors)
            self.stdout.write(f"{_('Row'):>8}  {_('Column'):<{width}}  {_('Problem')}")
            for error in report.errors:
                self.stdout.write(
                    f"{error['row']:>8}  {error['column']:<{width}}  {error['message']}"
                )
            if report.error_count > len(report.errors):
                self.stdout.write(
                    _("… and %(more)s more; %(total)s problems in all.")
                    % {"more": report.error_count - len(report.errors), "total": report.error_count}
                )
        counts = {
            "rows": report.rows,
            "households": report.households,
            "residents": report.residents,
            "vulnerabilities": report.vulnerabilities,
            "errors": report.error_count,
        }
        if report.written:
            self.stdout.write(
                _(
                    "Imported %(households)s households and %(residents)s residents "
                    "(%(vulnerabilities)s vulnerability entries) from %(rows)s rows."
                )
                % counts
            )
        elif dry_run and report.ok:
            self.stdout.write(
                _(
                    "No problems: %(rows)s rows, %(households)s households, %(residents)s "
                    "residents would be imported. Nothing was written."
                )
                % counts
            )
        else:
            raise CommandError(
                _("%(errors)s problems in %(rows)s rows; nothing was written.") % counts,
                returncode=1,
            )
