"""Test helpers for monitoring on top of core.testing: figures, lines and a proposal
walked to a given step through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from doorstep.livelihoods.models import HouseholdYear
from doorstep.monitoring import services
from doorstep.monitoring.models import MonitoringLine, Proposal, ProposalKind, ProposalSource

CH = "test"


def year(household, y: int, per_person, *, members: int = 3, medical=0) -> HouseholdYear:
    per_person = Decimal(per_person)
    return HouseholdYear.objects.create(
        household=household,
        year=y,
        members=members,
        income_total=per_person * members,
        income_per_person=per_person,
        medical_spending=Decimal(medical),
        sources=1,
    )


def line(county, y: int, amount) -> MonitoringLine:
    return MonitoringLine.objects.create(county=county, year=y, amount=Decimal(amount))


def propose(household, actor, **extra) -> Proposal:
    values = {"kind": ProposalKind.ENTER, "monitoring_type": "unstable", "risk_kinds": ["illness"]}
    values.update(extra)
    return services.proposal_create(
        household=household, actor=actor, source=ProposalSource.WORKER, channel=CH, **values
    )


def village_agree(proposal, actor):
    return services.step_take(
        actor=actor,
        proposal=proposal,
        stage="village_review",
        decision="approve",
        meeting_on=dt.date.today(),
        attendees=11,
        channel=CH,
    )


def end_notice(proposal):
    """Seven days pass: the notice's period is over."""
    Proposal.objects.filter(pk=proposal.pk).update(
        notice_starts_on=dt.date.today() - dt.timedelta(days=8),
        notice_ends_on=dt.date.today() - dt.timedelta(days=1),
    )
