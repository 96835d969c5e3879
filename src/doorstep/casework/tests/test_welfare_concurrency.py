"""Two people recording the same welfare check at once (the worker and their team
leader, two phones): one check, one contact, at most one need; the other is told.

Runs on PostgreSQL with real connections (threads, transaction=True); SQLite
serializes writers itself, so the race cannot happen there."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from doorstep.casework.models import Contact, Need, WelfareCheck
from doorstep.casework.services import pairing_create
from doorstep.casework.services.welfare import (
    RoundCriteria,
    WelfareConflict,
    welfare_check_record,
    welfare_round_start,
)
from doorstep.casework.tests.test_concurrency import _race
from doorstep.core.testing import make_household

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections"),
]


def test_two_records_of_one_check_make_one(supervisor, team_leader, worker_a, areas):
    household = make_household(area=areas["village_a"], vulnerabilities=("elderly_alone",))
    pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
    welfare_round_start(
        actor=supervisor,
        area=areas["county"],
        name="寒潮",
        deadline=timezone.localdate() + dt.timedelta(days=1),
        criteria=RoundCriteria(categories=("elderly_alone",)),
        checklist=("heating",),
        channel="t",
    )
    check = WelfareCheck.objects.get()
    outcomes = _race(
        [
            lambda actor=actor: welfare_check_record(
                actor=actor,
                check=check,
                outcome="done",
                answers={"heating": False},
                expected_version=1,
                channel="t",
            )
            for actor in (worker_a, team_leader)
        ]
    )
    winners = [o for o in outcomes if isinstance(o, WelfareCheck)]
    conflicts = [o for o in outcomes if isinstance(o, WelfareConflict)]
    assert len(winners) == 1 and len(conflicts) == 1, outcomes
    fresh = WelfareCheck.objects.get()
    assert (fresh.version, fresh.attempts, fresh.status) == (2, 1, "done")
    assert Need.objects.count() == 1 and Contact.objects.count() == 1
