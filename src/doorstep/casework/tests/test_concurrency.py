"""Two people saving the same need at the same moment: one wins, the other is told.

Runs on PostgreSQL with real connections (threads, transaction=True); SQLite
serializes writers itself, so the race cannot happen there."""

import threading

import pytest
from django.db import connection, connections

from doorstep.casework.models import Need, NeedEventKind
from doorstep.casework.services import NeedAction, NeedConflict, need_transition, need_update
from doorstep.casework.tests.factories import open_need

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


def test_two_edits_of_one_version_on_different_fields_both_arrive(
    worker_a, team_leader, household_a
):
    """Two phones offline from the same version: field-level merge, nothing lost."""
    need = open_need(actor=worker_a, household=household_a)
    outcomes = _race(
        [
            lambda: need_update(
                actor=worker_a, need=need, expected_version=1, title="甲", channel="t"
            ),
            lambda: need_update(
                actor=team_leader, need=need, expected_version=1, description="乙", channel="t"
            ),
        ]
    )
    assert all(isinstance(o, Need) for o in outcomes), outcomes
    fresh = Need.objects.get(pk=need.pk)
    assert (fresh.version, fresh.title, fresh.description) == (3, "甲", "乙")


def test_two_edits_of_one_version_one_wins_one_conflicts(worker_a, team_leader, household_a):
    need = open_need(actor=worker_a, household=household_a)
    outcomes = _race(
        [
            lambda: need_update(
                actor=worker_a, need=need, expected_version=1, title="甲", channel="t"
            ),
            lambda: need_update(
                actor=team_leader, need=need, expected_version=1, title="乙", channel="t"
            ),
        ]
    )
    conflicts = [o for o in outcomes if isinstance(o, NeedConflict)]
    winners = [o for o in outcomes if isinstance(o, Need)]
    assert len(conflicts) == 1 and len(winners) == 1, outcomes
    assert conflicts[0].changed_fields == ["title"]
    fresh = Need.objects.get(pk=need.pk)
    assert (fresh.version, fresh.title) == (2, winners[0].title)


def test_two_acknowledgements_at_once_make_one_step(worker_a, team_leader, household_a):
    need = open_need(actor=worker_a, household=household_a)
    outcomes = _race(
        [
            lambda actor=actor: need_transition(
                actor=actor,
                need=need,
                action=NeedAction.ACKNOWLEDGE,
                expected_version=1,
                channel="t",
            )
            for actor in (worker_a, team_leader)
        ]
    )
    assert sum(isinstance(o, NeedConflict) for o in outcomes) == 1, outcomes
    assert need.events.filter(kind=NeedEventKind.ACKNOWLEDGED).count() == 1
