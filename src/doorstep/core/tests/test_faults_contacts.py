"""Faults: gunicorn killed (SIGKILL, master and workers) in the middle of a burst of
contact submissions sent with Idempotency-Key. After a restart, nothing that was
acknowledged is lost, nothing is half-written, and sending every request again with
its key creates no duplicate.

A real server process against the test database, so PostgreSQL only (CI's PG pass).
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from doorstep.accounts.services import api_token_create
from doorstep.casework.models import Contact
from doorstep.casework.services.pairings import pairing_create
from doorstep.casework.tests.factories import make_question
from doorstep.core.models import IdempotencyKey
from doorstep.core.tests.processes import Gunicorn

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a real server process"),
]

BURST = 120
KILL_AFTER = 30  # acknowledged submissions before the kill


def _body(household_id: int, n: int) -> dict:
    return {
        "household": household_id,
        "kind": "visit",
        "duration_minutes": n % 90,
        "met_with": f"户主 {n}",
        "notes": f"第 {n} 次走访",
        "checklist": {"food": True, "heating": n % 2 == 0},
    }


def test_a_killed_server_loses_no_acknowledged_contact_and_replays_make_no_duplicates(
    worker_a, team_leader, household_a
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="test")
    # The check-list takes only question templates' keys (issue 18).
    for key in ("food", "heating"):
        make_question(area=household_a.area, created_by=team_leader, key=key, kind="contact")
    _, secret = api_token_create(user=worker_a, name="fault")
    headers = {"Authorization": f"Bearer {secret}"}
    keys = [str(uuid.uuid4()) for _ in range(BURST)]
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    killed = threading.Event()

    server = Gunicorn(workers=2, threads=4).start()
    try:

        def send(n: int) -> None:
            if killed.is_set():
                return
            try:
                status, _, body = server.request(
                    "POST",
                    "/api/v1/casework/contacts",
                    _body(household_a.pk, n),
                    headers | {"Idempotency-Key": keys[n]},
                    timeout=10,
                )
            except OSError:  # connection refused or reset: the server is gone
                return
            if status == 201:
                with lock:
                    acknowledged[keys[n]] = body["id"]
                    if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                        killed.set()
                        server.kill()

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(send, range(BURST)))
        assert killed.is_set(), "the server was never killed: the burst was too short"
        assert KILL_AFTER <= len(acknowledged) < BURST

        # Nothing half-written: every contact in the database has its key's answer.
        assert (
            Contact.objects.filter(household=household_a).count()
            == IdempotencyKey.objects.filter(user=worker_a, response_status=201).count()
        )
        # Nothing acknowledged is lost.
        stored = set(Contact.objects.filter(household=household_a).values_list("pk", flat=True))
        assert set(acknowledged.values()) <= stored

        server.start()

        def resend(n: int):
            return server.request(
                "POST",
                "/api/v1/casework/contacts",
                _body(household_a.pk, n),
                headers | {"Idempotency-Key": keys[n]},
            )

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(resend, range(BURST)))
        for n, (status, response_headers, body) in enumerate(answers):
            assert status == 201, (status, body)
            if keys[n] in acknowledged:
                assert body["id"] == acknowledged[keys[n]]
                assert response_headers.get("Idempotent-Replayed") == "true"
    finally:
        server.stop()

    # Exactly one contact per key: every request once, none twice.
    contacts = Contact.objects.filter(household=household_a)
    assert contacts.count() == BURST
    assert sorted(contacts.values_list("met_with", flat=True)) == sorted(
        f"户主 {n}" for n in range(BURST)
    )
