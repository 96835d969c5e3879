"""The demo shows households in each state and proposals at each step."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from doorstep.monitoring.models import HouseholdPoverty, Objection, Proposal, StatusChange

pytestmark = pytest.mark.django_db


def test_demo_has_every_status_and_every_step():
    call_command("demo", households=400, workers=30, stdout=StringIO())
    statuses = set(HouseholdPoverty.objects.values_list("status", flat=True))
    assert statuses >= {"lifted", "monitored", "risk_removed"}
    assert set(
        HouseholdPoverty.objects.filter(status="monitored").values_list(
            "monitoring_type", flat=True
        )
    ) >= {"unstable", "edge", "sudden"}
    stages = set(Proposal.objects.values_list("stage", flat=True))
    assert stages >= {"village_review", "notice", "township_review", "approved", "returned"}
    assert Proposal.objects.filter(source="resident").exists()
    assert Objection.objects.exists()
    assert StatusChange.objects.filter(status="risk_removed").exists()
