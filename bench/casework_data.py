"""Casework data at full scale on top of a synthetic region, for bench/casework_latency.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework2_full \\
        .venv/bin/python bench/casework_data.py [--contacts-per-household 6] [--needs 1000000]

The database must already hold `manage.py synth --households 1690000 --workers 1120000`
(households in grids, workers in villages). This adds, streaming through
core.bulk.bulk_insert (COPY on PostgreSQL) with bounded memory:

- one active pairing per household, with a worker of the household's village
  (round-robin, so 1.12 million workers hold one or two households each);
- about `--contacts-per-household` contacts per household (10 million by default),
  spread over the last year, by the paired worker;
- one ContactSchedule row per household, computed as casework.services.schedule would
  (60 days, 14 for vulnerable households, from the last contact), so that about a
  fifth of the households are overdue;
- `--needs` needs (1 million by default) on random households: most confirmed, one in
  ten still open or in progress, a few escalated.

Refuses to run twice (it checks for pairings). Reproducible from `--seed`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")

INTERVAL, VULNERABLE_INTERVAL = 60, 14
CATEGORIES = (
    "housing",
    "medical_costs",
    "employment",
    "training",
    "income",
    "education",
    "elderly_care",
    "disability_support",
    "legal_aid",
    "other",
)
TITLES = ("屋顶漏雨", "看病费用高", "想找工作", "想学技能", "孩子上学", "老人照料", "需要轮椅")


def _log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)


def main() -> int:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from doorstep.core.bulk import analyze, bulk_insert

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts-per-household", type=float, default=6.0)
    parser.add_argument("--needs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("casework_data.py needs PostgreSQL (DATABASE_URL=postgres://...)", file=sys.stderr)
        return 2

    from doorstep.casework.models import Contact, ContactSchedule, Need, Pairing

    if Pairing.objects.exists():
        print("This database already has pairings; nothing done.", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    started = time.monotonic()
    now = timezone.now()
    today = timezone.localdate(now)

    with connection.cursor() as cursor:
        # Households by village (grid → its village), workers by village.
        cursor.execute(
            "SELECT h.id, g.parent_id FROM registry_household h "
            "JOIN areas_area g ON g.id = h.area_id ORDER BY g.parent_id, h.id"
        )
        households = cursor.fetchall()
        cursor.execute(
            "SELECT area_id, id FROM accounts_user WHERE role = 'worker' AND is_active "
            "ORDER BY area_id, id"
        )
        workers: dict[int, list[int]] = {}
        for area_id, user_id in cursor.fetchall():
            workers.setdefault(area_id, []).append(user_id)
        cursor.execute("SELECT DISTINCT household_id FROM registry_householdvulnerability")
        vulnerable = {row[0] for row in cursor.fetchall()}
    _log(f"{len(households):,} households, {sum(map(len, workers.values())):,} workers", started)

    # One worker per household, round-robin within the village.
    paired: list[tuple[int, int]] = []  # (household, worker)
    turn: dict[int, int] = {}
    for household_id, village_id in households:
        pool = workers.get(village_id)
        if not pool:
            continue
        i = turn.get(village_id, 0)
        turn[village_id] = i + 1
        paired.append((household_id, pool[i % len(pool)]))
    del households

    def pairing_rows():
        for household_id, worker_id in paired:
            started_on = today - dt.timedelta(days=rng.randint(200, 900))
            yield (worker_id, household_id, started_on, None, now)

    with transaction.atomic():
        n = bulk_insert(
            Pairing, ["worker", "household", "started_on", "ended_on", "created_at"], pairing_rows()
        )
    _log(f"{n:,} pairings", started)

    # Contacts: a Poisson-ish count per household, over the last year; the last one
    # is remembered for the schedule.
    last_contact: dict[int, dt.datetime] = {}
    mean = args.contacts_per_household

    def contact_rows():
        for household_id, worker_id in paired:
            count = max(0, int(rng.gauss(mean, mean / 3) + 0.5))
            latest = None
            for _ in range(count):
                at = now - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
                latest = at if latest is None or at > latest else latest
                kind = "visit" if rng.random() < 0.6 else "call"
                minutes = rng.choice((10, 15, 20, 30))
                yield (household_id, worker_id, kind, at, minutes, "", "", "", "{}", at)
            if latest is not None:
                last_contact[household_id] = latest

    fields = [
        "household",
        "worker",
        "kind",
        "occurred_at",
        "duration_minutes",
        "met_with",
        "notes",
        "needs_found",
        "checklist",
        "created_at",
    ]
    with transaction.atomic():
        n = bulk_insert(Contact, fields, contact_rows())
    _log(f"{n:,} contacts", started)

    def schedule_rows():
        for household_id, worker_id in paired:
            days = VULNERABLE_INTERVAL if household_id in vulnerable else INTERVAL
            basis = "vulnerable" if household_id in vulnerable else "policy"
            last = last_contact.get(household_id)
            start = timezone.localdate(last) if last else today - dt.timedelta(days=30)
            yield (
                household_id,
                worker_id,
                last,
                start + dt.timedelta(days=days),
                days,
                basis,
                now,
            )

    fields = [
        "household",
        "worker",
        "last_contact_at",
        "next_due_on",
        "interval_days",
        "basis",
        "updated_at",
    ]
    with transaction.atomic():
        n = bulk_insert(ContactSchedule, fields, schedule_rows())
    _log(f"{n:,} schedule rows", started)

    def need_rows():
        for _ in range(args.needs):
            household_id, worker_id = paired[rng.randrange(len(paired))]
            opened = now - dt.timedelta(hours=rng.randint(1, 2 * 365 * 24))
            roll = rng.random()
            if roll < 0.80:
                status = "confirmed"
            elif roll < 0.86:
                status = "resolved"
            elif roll < 0.92:
                status = "in_progress"
            elif roll < 0.96:
                status = "acknowledged"
            else:
                status = "open"
            acknowledged = (
                opened + dt.timedelta(hours=rng.randint(1, 48)) if status != "open" else None
            )
            resolved = (
                opened + dt.timedelta(days=rng.randint(2, 60))
                if status in ("resolved", "confirmed")
                else None
            )
            confirmed = resolved + dt.timedelta(days=3) if status == "confirmed" else None
            ack_due = opened + dt.timedelta(hours=72)
            resolve_due = opened + dt.timedelta(days=30)
            escalated = status not in ("resolved", "confirmed") and resolve_due < now
            yield (
                household_id,
                rng.choice(CATEGORIES),
                "normal" if rng.random() < 0.8 else "high",
                status,
                rng.choice(TITLES),
                "",
                worker_id,
                worker_id,
                opened,
                opened,
                acknowledged,
                resolved,
                confirmed,
                ack_due,
                resolve_due,
                1 if escalated else 0,
                1,
                1,
                now,
            )

    fields = [
        "household",
        "category",
        "urgency",
        "status",
        "title",
        "description",
        "opened_by",
        "owner",
        "opened_at",
        "cycle_started_at",
        "acknowledged_at",
        "resolved_at",
        "confirmed_at",
        "acknowledge_due_at",
        "resolve_due_at",
        "escalation_level",
        "cycle",
        "version",
        "updated_at",
    ]
    with transaction.atomic():
        n = bulk_insert(Need, fields, need_rows())
    _log(f"{n:,} needs", started)
    analyze(Pairing, Contact, ContactSchedule, Need)
    _log("analyzed", started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
