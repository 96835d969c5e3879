"""The relapse watch proposes from its open flags and never decides."""

from __future__ import annotations

import pytest
from django.utils import timezone

from doorstep.livelihoods.models import RelapseFlag, RelapseRule
from doorstep.monitoring.models import HouseholdPoverty, Proposal
from doorstep.monitoring.services import watch_propose
from doorstep.monitoring.tasks import watch_propose_nightly

pytestmark = pytest.mark.django_db


def _flag(household, kind):
    rule = RelapseRule.objects.get_or_create(kind=kind)[0]
    now = timezone.now()
    return RelapseFlag.objects.create(
        household=household, rule=rule, basis="y2026", raised_at=now, evaluated_at=now
    )


def test_open_flags_become_one_proposal_and_nothing_is_decided(household_a, household_b):
    _flag(household_a, "income_drop")
    _flag(household_a, "illness_disability")
    HouseholdPoverty.objects.create(household=household_b, status="monitored")
    _flag(household_b, "job_lost")  # already monitored: no proposal
    assert watch_propose() == 1
    p = Proposal.objects.get()
    assert p.household == household_a and p.source == "watch" and p.proposed_by is None
    assert p.stage == "village_review" and p.risk_kinds == "illness,income_drop"
    assert p.monitoring_type == "edge"  # never registered before
    assert not HouseholdPoverty.objects.filter(household=household_a).exists()
    # The nightly task again: the same flags do not propose twice.
    watch_propose_nightly.enqueue()
    assert Proposal.objects.count() == 1


def test_cleared_flags_propose_nothing(household_a):
    flag = _flag(household_a, "disaster")
    flag.status = "cleared"
    flag.save()
    assert watch_propose() == 0
