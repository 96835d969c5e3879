"""Accounts for the load run (bench/load/run.sh), written into a copy of region_full:

- workers with active pairings: a password, an API token, their paired households;
- supervisors: a password and a confirmed authenticator with a known secret (the
  load client computes its codes; supervisors cannot sign in without them);
- residents with a mobile number of their own: the portal sends their codes through
  bench/load/sms_file.py, which the load client reads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/COPY .venv/bin/python bench/load/prepare.py OUT.json

Never run against a database that people use: it sets passwords.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from doorstep.accounts import totp  # noqa: E402
from doorstep.accounts.models import Role, TwoFactorDevice, User  # noqa: E402
from doorstep.accounts.services import api_token_create  # noqa: E402

PASSWORD = "load-test-only-7f3a"  # noqa: S105 - a throwaway copy's accounts
WORKERS, SUPERVISORS, RESIDENT_PHONES, HOUSEHOLDS_EACH = 300, 20, 2000, 20


def main(out: str) -> None:
    assert connection.vendor == "postgresql", "run against a PostgreSQL copy"
    assert connection.settings_dict["NAME"] not in {"region_full"}, "never region_full itself"
    hashed = make_password(PASSWORD)  # one Argon2 hash for all: sign-in still verifies it
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.worker_id, array_agg(p.household_id ORDER BY p.household_id)
            FROM casework_pairing p
            WHERE p.ended_on IS NULL
              AND p.worker_id IN (
                  SELECT worker_id FROM casework_pairing WHERE ended_on IS NULL
                  GROUP BY worker_id ORDER BY worker_id LIMIT %s)
            GROUP BY p.worker_id
            """,
            [WORKERS],
        )
        pairs = cursor.fetchall()
        workers = []
        by_id = User.objects.in_bulk([worker_id for worker_id, _ in pairs])
        for worker_id, households in pairs:
            user = by_id[worker_id]
            _, secret = api_token_create(user=user, name="load")
            workers.append(
                {
                    "username": user.username,
                    "token": secret,
                    "households": households[:HOUSEHOLDS_EACH],
                }
            )
        User.objects.filter(pk__in=by_id).update(password=hashed)

        supervisors = []
        for user in User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk")[
            :SUPERVISORS
        ]:
            device, _ = TwoFactorDevice.objects.update_or_create(
                user=user,
                defaults={
                    "secret": totp.secret_new(),
                    "confirmed_at": timezone.now(),
                    "last_step": 0,
                },
            )
            supervisors.append({"username": user.username, "totp_secret": device.secret})
            User.objects.filter(pk=user.pk).update(password=hashed)

        cursor.execute(
            """
            SELECT r.phone FROM registry_resident r
            JOIN registry_household h ON h.id = r.household_id
            WHERE r.phone ~ '^1[3-9][0-9]{9}$' AND h.anonymised_at IS NULL
            GROUP BY r.phone HAVING count(*) = 1
            ORDER BY min(r.id) LIMIT %s
            """,
            [RESIDENT_PHONES],
        )
        phones = [phone for (phone,) in cursor.fetchall()]
    Path(out).write_text(
        json.dumps(
            {"password": PASSWORD, "workers": workers, "supervisors": supervisors, "phones": phones}
        )
    )
    print(f"{len(workers)} workers, {len(supervisors)} supervisors, {len(phones)} resident phones")


if __name__ == "__main__":
    main(sys.argv[1])
