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
    # The other households were never registered (no status row).
    from doorstep.registry.models import Household

    assert Household.objects.filter(poverty__isnull=True).exists()
    assert set(
        HouseholdPoverty.objects.filter(status="monitored").values_list(
            "monitoring_type", flat=True
        )
    ) >= {"unstable", "edge", "sudden"}
    stages = set(Proposal.objects.values_list("stage", flat=True))
    assert stages >= {
        "village_review",
        "notice",
        "township_review",
        "county_decision",
        "approved",
        "returned",
    }
    # A proposal returned by the township, amended and resubmitted, back at the township.
    amended = Proposal.objects.get(steps__decision="resubmit")
    assert amended.stage == "township_review"
    assert amended.steps.filter(decision="return", stage="township_review").exists()
    assert Proposal.objects.filter(source="resident").exists()
    assert Objection.objects.exists()
    assert StatusChange.objects.filter(status="risk_removed").exists()
