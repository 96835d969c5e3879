"""Enqueue the registered periodic tasks when their time comes (see core.periodic)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from doorstep.core.periodic import enqueue_due, registered


class Command(BaseCommand):
    help = "Enqueue periodic tasks whose interval has elapsed; db_worker runs them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconds between checks (default 30)"
        )
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        if interval <= 0:
            self.stderr.write("--interval must be positive")
            raise SystemExit(2)
        names = ", ".join(p.name for p in registered()) or "none"
        self.stdout.write(f"Periodic tasks: {names}")
        while True:
            for name in enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
