"""Invariants the database itself holds, whatever code writes the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from doorstep.casework.models import (
    Assistance,
    Feedback,
    Need,
    NeedCategory,
    Pairing,
    ServiceLevel,
    Urgency,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)


def _need(household) -> Need:
    now = timezone.now()
    return Need.objects.create(
        household=household,
        category=NeedCategory.HOUSING,
        title="roof",
        opened_at=now,
        cycle_started_at=now,
        acknowledge_due_at=now,
        resolve_due_at=now,
    )


def test_a_household_has_one_active_pairing_at_a_time(worker_a, team_leader, household_a):
    Pairing.objects.create(worker=worker_a, household=household_a, started_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(worker=team_leader, household=household_a, started_on=TODAY)


def test_ended_pairings_do_not_block_a_new_one(worker_a, team_leader, household_a):
    Pairing.objects.create(worker=worker_a, household=household_a, started_on=TODAY, ended_on=TODAY)
    Pairing.objects.create(worker=team_leader, household=household_a, started_on=TODAY)
    assert Pairing.objects.filter(household=household_a).count() == 2


def test_a_pairing_cannot_end_before_it_starts(worker_a, household_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            worker=worker_a,
            household=household_a,
            started_on=TODAY,
            ended_on=TODAY - dt.timedelta(days=1),
        )


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_satisfaction_is_between_one_and_five(household_a, satisfaction):
    need = _need(household_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(need=need, cycle=1, satisfaction=satisfaction, source="worker")


def test_assistance_amounts_are_not_negative(household_a):
    need = _need(household_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assistance.objects.create(
            need=need,
            kind="material",
            material_type="goods",
            amount=Decimal("-1"),
            given_on=TODAY,
        )


def test_a_benefit_needs_a_type_and_a_status(household_a):
    need = _need(household_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assistance.objects.create(need=need, kind="benefit", given_on=TODAY)


def test_service_levels_are_seeded_for_every_category_and_urgency():
    assert ServiceLevel.objects.count() == len(NeedCategory) * len(Urgency)
    immediate = ServiceLevel.objects.get(category="medical_costs", urgency="immediate")
    assert immediate.acknowledge_hours < immediate.resolve_hours
