"""Refresh the dashboards' summaries now (the periodic task does it every 15 minutes
for the last two weeks and nightly for the last 400 days)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.insights.rollup import RECENT_DAYS, refresh


class Command(BaseCommand):
    help = "Rebuild the dashboards' daily summaries for recent days and take today's snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=RECENT_DAYS, help="Days back from today.")
        parser.add_argument("--since", help="First day (YYYY-MM-DD); overrides --days.")

    def handle(self, *args, days: int, since: str | None, **options):
        today = timezone.localdate()
        if since:
            try:
                first = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(_("--since: enter a date as YYYY-MM-DD.")) from None
        else:
            if days < 1:
                raise CommandError(_("--days must be 1 or more."))
            first = today - dt.timedelta(days=days - 1)
        if first > today:
            raise CommandError(_("--since must not be after today."))
        run = refresh(first_day=first, last_day=today, today=today)
        self.stdout.write(
            _("Summaries of %(first)s to %(last)s refreshed in %(seconds).1f s.")
            % {"first": first, "last": today, "seconds": run.seconds}
        )
