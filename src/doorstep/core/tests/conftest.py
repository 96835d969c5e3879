"""Fixtures shared by core's cross-app tests (authorization matrix, API fuzzing)."""

from __future__ import annotations

import pytest


@pytest.fixture
def world(
    areas, household_a, household_b, worker_a, worker_b, team_leader, supervisor, administrator
):
    """Household A (village A) with a need, a pairing with worker A and a referral to a
    county unit, and the records of core/tests/seeds.py (a welfare check, a placement,
    an enrolment, a cooperative membership, a monitoring proposal, a pairing plan, a
    correction request). Returns the values of the path parameters that name these records,
    and markers (household number, head's name) that show household A in an answer."""
    from doorstep.casework.services.pairings import pairing_create
    from doorstep.casework.services.referrals import referral_create
    from doorstep.casework.tests.factories import make_unit, open_need

    need = open_need(actor=worker_a, household=household_a)
    pairing = pairing_create(
        actor=team_leader, worker=worker_a, household=household_a, channel="test"
    )
    unit = make_unit(area=areas["county"], accepts_referrals=True)
    referral = referral_create(actor=worker_a, need=need, unit=unit, channel="test")
    head = household_a.residents.get(relationship="head")
    # Two residents signed in to the portal: the head of A, and the head of B.
    from doorstep.portal.auth import session_start

    head_b = household_b.residents.get(relationship="head")
    head.phone, head_b.phone = "13800000001", "13800000002"
    head.save(update_fields=["phone"])
    head_b.save(update_fields=["phone"])
    portal_tokens = {
        "resident_a": session_start(resident=head)[0],
        "resident_b": session_start(resident=head_b)[0],
    }
    values = {
        "household_id": household_a.pk,
        "resident_id": household_a.residents.exclude(pk=head.pk).first().pk,
        "household_no": household_a.household_no,
        "need_id": need.pk,
        "pairing_id": pairing.pk,
        "referral_id": referral.pk,
        "unit_id": unit.pk,
        "area_id": areas["village_a"].pk,
        "code": areas["village_a"].code,
        "fmt": "json",
        "year": 2026,
        "portal_tokens": portal_tokens,
    }
    from doorstep.core.tests.seeds import seed_household_a

    values.update(
        seed_household_a(
            areas=areas,
            household_a=household_a,
            head=head,
            worker_a=worker_a,
            team_leader=team_leader,
            supervisor=supervisor,
        )
    )
    markers = [household_a.household_no, head.name]
    return values, markers
