"""What the dashboards read beyond bench/casework_data.py, at full scale, for
bench/insights_latency.py. PostgreSQL only (set-based INSERT ... SELECT).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/insights_full \\
        .venv/bin/python bench/insights_data.py

On a copy of region_full (1.69 M households, 10 M contacts, 1 M needs), adds:
- 10 departments taking referrals, and a referral for one need in ten (answered
  within 0–72 hours, a fifth of them after their due time, one in twenty declined);
- a resident's rating (1–5) for two confirmed needs in five;
- a first-level escalation for one need in twenty (acknowledge or resolve);
- a duty-room office per township and 300,000 calls over the last year, four in five
  with a responder on scene 5–120 minutes after the call.

Refuses to run twice (it checks for referrals). Deterministic (hash of ids, no random).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")

UNITS = [
    "住建局",
    "卫健委",
    "民政局",
    "人社局",
    "农业农村局",
    "残联",
    "教育局",
    "医保局",
    "农商银行",
    "司法局",
]
KINDS = [
    "housing",
    "health",
    "civil_affairs",
    "human_resources",
    "agriculture",
    "disabled_persons",
    "other_department",
    "health",
    "bank",
    "other_department",
]

STEPS = [
    (
        "referrals",
        """
        INSERT INTO casework_referral (need_id, unit_id, status, note, decline_reason, due_at,
            created_by_id, created_at, responded_by_id, responded_at, completed_at, client_id)
        SELECT n.id, u.id,
               CASE WHEN n.id % 20 = 0 THEN 'declined' WHEN n.id % 3 = 0 THEN 'sent' ELSE 'accepted' END,
               '', CASE WHEN n.id % 20 = 0 THEN '不符合条件' ELSE '' END,
               n.opened_at + interval '1 hour' + interval '48 hours',
               NULL, n.opened_at + interval '1 hour', NULL,
               CASE WHEN n.id % 3 = 0 AND n.id % 20 <> 0 THEN NULL
                    ELSE n.opened_at + interval '1 hour' + (n.id % 73) * interval '1 hour'
                         + CASE WHEN n.id % 5 = 0 THEN interval '48 hours' ELSE interval '0' END END,
               NULL, NULL
        FROM casework_need n
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM casework_unit) u
          ON u.k = (n.id / 10) % 10
        WHERE n.id % 10 = 1
        """,
    ),
    (
        "feedback",
        """
        INSERT INTO casework_feedback (need_id, cycle, satisfaction, comment, source,
            recorded_by_id, recorded_at, client_id)
        SELECT n.id, n.cycle, 1 + (n.id * 7) % 5, '', 'resident', NULL,
               COALESCE(n.confirmed_at, n.resolved_at, n.opened_at) + interval '2 hours', NULL
        FROM casework_need n
        WHERE n.status = 'confirmed' AND n.id % 5 IN (1, 3)
        """,
    ),
    (
        "escalations",
        """
        INSERT INTO casework_escalation (need_id, cycle, breach, level, escalated_at,
            supervisor_due_at)
        SELECT n.id, n.cycle, CASE WHEN n.id % 2 = 0 THEN 'acknowledge' ELSE 'resolve' END, 1,
               CASE WHEN n.id % 2 = 0 THEN n.acknowledge_due_at ELSE n.resolve_due_at END,
               NULL
        FROM casework_need n
        WHERE n.id % 20 = 7
        """,
    ),
    (
        "offices",
        """
        INSERT INTO hotline_office (name, code, area_id, phone, min_officers)
        SELECT a.name || '值班室', 'bench-' || a.id, a.id, '', 1
        FROM areas_area a WHERE a.level = 'township'
        """,
    ),
    (
        "calls",
        """
        INSERT INTO hotline_call (office_id, source, received_at, taken_by_id, caller_kind,
            caller_resident_id, caller_name, caller_phone, place_area_id, building, unit,
            address, latitude, longitude, category, description, urgency, status, cycle,
            cycle_started_at, acknowledge_due_at, arrive_due_at, resolve_due_at, escalated,
            closed_at, need_id, token, public_note, contact_email, updated_at, version,
            client_id)
        SELECT o.id, 'phone', t.at, NULL, 'public', NULL, '', '', NULL, '', '', '', NULL, NULL,
               'other', '', 'normal', 'closed', 1, t.at, t.at + interval '10 minutes',
               t.at + interval '1 hour', t.at + interval '1 day', false, t.at + interval '3 hours',
               NULL, gen_random_uuid(), '', '', t.at, 1, NULL
        FROM generate_series(1, 300000) g
        JOIN LATERAL (SELECT now() - (g % 365) * interval '1 day' - (g % 1440) * interval '1 minute' AS at) t ON true
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM hotline_office) o
          ON o.k = g % (SELECT count(*) FROM hotline_office)
        """,
    ),
    (
        "responders",
        """
        INSERT INTO hotline_responder (office_id, name, kind, contact_name, phone, categories,
            is_active)
        SELECT o.id, o.name || '网格员', 'grid_worker', '', '', '', true FROM hotline_office o
        """,
    ),
    (
        "dispatches",
        """
        INSERT INTO hotline_dispatch (call_id, responder_id, status, cycle, note, dispatched_at,
            dispatched_by_id, acknowledged_at, arrived_at, resolved_at)
        SELECT c.id, r.id, 'resolved', 1, '', c.received_at + interval '2 minutes', NULL,
               c.received_at + interval '4 minutes',
               c.received_at + (5 + c.id % 116) * interval '1 minute',
               c.received_at + interval '2 hours'
        FROM hotline_call c JOIN hotline_responder r ON r.office_id = c.office_id
        WHERE c.id % 5 <> 0
        """,
    ),
]


def main() -> int:
    import django

    django.setup()
    from django.db import connection, transaction

    from doorstep.casework.models import Referral, Unit

    if connection.vendor != "postgresql":
        print("PostgreSQL only", file=sys.stderr)
        return 2
    if Referral.objects.exists():
        print("referrals exist already: this database has been filled", file=sys.stderr)
        return 1
    started = time.monotonic()
    with transaction.atomic():
        Unit.objects.bulk_create(
            [
                Unit(name=n, kind=k, accepts_referrals=True)
                for n, k in zip(UNITS, KINDS, strict=True)
            ]
        )
        with connection.cursor() as cursor:
            for name, sql in STEPS:
                step = time.monotonic()
                cursor.execute(sql)
                print(
                    f"[{time.monotonic() - started:7.1f}s] {name}: {cursor.rowcount:,} rows "
                    f"in {time.monotonic() - step:.1f}s",
                    flush=True,
                )
    with connection.cursor() as cursor:
        for table in (
            "casework_referral",
            "casework_feedback",
            "casework_escalation",
            "hotline_call",
            "hotline_dispatch",
        ):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    print(f"done in {time.monotonic() - started:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
