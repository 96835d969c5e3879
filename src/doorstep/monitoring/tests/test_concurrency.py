"""Two people at once on PostgreSQL (threads, real connections): the same step taken
twice makes one step, and two proposals for one household make one."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from doorstep.monitoring.models import Proposal, Step
from doorstep.monitoring.services import StepRefused
from doorstep.monitoring.tests.helpers import propose, village_agree

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections"),
]


def _race(functions):
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_the_same_step_twice_at_once_is_taken_once(worker_a, team_leader, household_a):
    p = propose(household_a, worker_a)
    outcomes = _race([lambda: village_agree(p, worker_a), lambda: village_agree(p, team_leader)])
    assert sum(isinstance(o, Step) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, StepRefused) for o in outcomes) == 1, outcomes
    assert Step.objects.count() == 1
    assert Proposal.objects.get().stage == "notice"


def test_two_proposals_at_once_make_one(worker_a, team_leader, household_a):
    outcomes = _race(
        [lambda: propose(household_a, worker_a), lambda: propose(household_a, team_leader)]
    )
    assert sum(isinstance(o, Proposal) for o in outcomes) == 1, outcomes
    assert Proposal.objects.count() == 1


def test_the_same_returned_proposal_resubmitted_twice_at_once_is_resubmitted_once(
    worker_a, team_leader, household_a
):
    from doorstep.monitoring import services

    p = propose(household_a, worker_a)
    services.step_take(
        actor=worker_a,
        proposal=p,
        stage="village_review",
        decision="return",
        reason="材料不全",
        meeting_on=dt.date.today(),
        attendees=9,
        channel="test",
    )

    def resubmit(actor):
        return lambda: services.proposal_resubmit(
            actor=actor, proposal=p, reason="补充材料", channel="test"
        )

    outcomes = _race([resubmit(worker_a), resubmit(team_leader)])
    assert sum(isinstance(o, Step) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, StepRefused) for o in outcomes) == 1, outcomes
    assert Step.objects.filter(decision="resubmit").count() == 1
    assert Proposal.objects.get().stage == "village_review"
