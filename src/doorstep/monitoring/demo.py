"""Monitoring for the demo data set (`manage.py demo`): the Aksu county's settings and
monitoring lines, and the demo worker's households in every state — lifted out of
poverty, monitored (with help measures), risk removed, and proposals at each step
(village review, on notice with an objection, township review, county decision,
returned, and one returned by the township, amended and resubmitted) — then one
run of the relapse watch's proposals, as the night would do.

Written through the services, as the people would; only the passage of time (notice
periods, last year's decisions) is dated back in place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doorstep.accounts.models import User
from doorstep.casework.models import UNRESOLVED, Need
from doorstep.livelihoods.models import HouseholdYear
from doorstep.monitoring import rules, services
from doorstep.monitoring.models import (
    HouseholdPoverty,
    Proposal,
    ProposalKind,
    ProposalSource,
    Stage,
)
from doorstep.registry.models import Household

CHANNEL = "demo"


def _through(proposal, worker, leader, boss, *, until: str) -> Proposal:
    """Agree at each step until the proposal reaches `until`; the notice's days pass."""
    today = timezone.localdate()
    while proposal.stage != until and proposal.is_open:
        if proposal.stage == Stage.NOTICE:
            Proposal.objects.filter(pk=proposal.pk).update(
                notice_starts_on=today - dt.timedelta(days=9),
                notice_ends_on=today - dt.timedelta(days=2),
            )
        actor = {
            Stage.VILLAGE_REVIEW: worker,
            Stage.NOTICE: worker,
            Stage.TOWNSHIP_REVIEW: leader,
            Stage.COUNTY_DECISION: boss,
        }[proposal.stage]
        services.step_take(
            actor=actor,
            proposal=proposal,
            stage=proposal.stage,
            decision="approve",
            meeting_on=today - dt.timedelta(days=10),
            attendees=14,
            channel=CHANNEL,
        )
        proposal.refresh_from_db()
    return proposal


@transaction.atomic
def monitoring_demo_load() -> int:
    """Returns the number of households given a status (0: nothing to do)."""
    worker = User.objects.filter(username="demo_worker").select_related("area").first()
    leader = User.objects.filter(username="demo_leader").first()
    boss = User.objects.filter(username="demo_supervisor").first()
    if worker is None or leader is None or boss is None or HouseholdPoverty.objects.exists():
        return 0
    county = rules.county_of(worker.area)
    if county is None:
        return 0
    today = timezone.localdate()
    services.policy_update(
        actor=boss,
        county=county,
        village_review=True,
        township_review=True,
        notice_days=7,
        stable_years=1,
        review_days=30,
        channel=CHANNEL,
    )
    for year, amount in ((today.year - 2, 6600), (today.year - 1, 6900), (today.year, 7200)):
        services.line_set(
            actor=boss, county=county, year=year, amount=Decimal(amount), channel=CHANNEL
        )
    households = list(Household.objects.within(worker.area).order_by("household_no")[:30])
    if len(households) < 16:
        return 0
    with_need = set(
        Need.objects.filter(household__in=households, status__in=UNRESOLVED).values_list(
            "household_id", flat=True
        )
    )
    free = [h for h in households if h.pk not in with_need]
    busy = [h for h in households if h.pk in with_need]
    ordered = free + busy
    lifted, rest = ordered[:12], ordered[12:]
    for i, h in enumerate(lifted):
        services.status_set(
            actor=leader,
            household=h,
            status="lifted",
            lifted_year=2016 + i % 5,
            reason="",
            channel=CHANNEL,
        )

    def propose(h, *, kind=ProposalKind.ENTER, source=ProposalSource.WORKER, **extra):
        values = {"monitoring_type": "unstable", "risk_kinds": ["illness", "income_drop"]}
        values.update(extra)
        return services.proposal_create(
            household=h,
            kind=kind,
            source=source,
            actor=worker if source == ProposalSource.WORKER else None,
            resident=h.residents.filter(relationship="head").first()
            if source == ProposalSource.RESIDENT
            else None,
            channel=CHANNEL,
            **values,
        )

    # Risk removed: monitored last year, income now above the line, needs resolved.
    removed = lifted[0]
    _through(
        propose(removed, note="户主患病，收入骤减"), worker, leader, boss, until=Stage.APPROVED
    )
    services.measure_record(
        actor=worker,
        household=removed,
        kind="other",
        description="大病救助 + 公益性岗位",
        started_on=today,
        channel=CHANNEL,
    )
    for y in (today.year - 1, today.year):
        HouseholdYear.objects.update_or_create(
            household=removed,
            year=y,
            defaults={"members": 3, "income_total": 30000, "income_per_person": 10000},
        )
    if not services.removal_blockers(removed, county):
        _through(
            propose(removed, kind=ProposalKind.REMOVE, risk_kinds=[], note="收入稳定超过监测线"),
            worker,
            leader,
            boss,
            until=Stage.APPROVED,
        )
    # Monitored, with help measures.
    kinds = [("unstable", ["illness"]), ("edge", ["unemployment"]), ("sudden", ["disaster"])]
    for h, (mtype, risks) in zip(lifted[1:4], kinds, strict=True):
        _through(
            propose(h, monitoring_type=mtype, risk_kinds=risks, note="走访发现"),
            worker,
            leader,
            boss,
            until=Stage.APPROVED,
        )
        services.measure_record(
            actor=worker,
            household=h,
            kind="other",
            description="临时救助",
            started_on=today,
            channel=CHANNEL,
        )
    # Proposals at each step.
    propose(lifted[4], source=ProposalSource.RESIDENT, monitoring_type="", note="家里老人住院")
    on_notice = _through(propose(lifted[5]), worker, leader, boss, until=Stage.NOTICE)
    services.objection_record(
        actor=worker,
        proposal=on_notice,
        received_on=today,
        summary="有村民认为该户另有经营收入",
        channel=CHANNEL,
    )
    _through(
        propose(lifted[6], monitoring_type="edge"),
        worker,
        leader,
        boss,
        until=Stage.TOWNSHIP_REVIEW,
    )
    returned = propose(rest[0] if rest else lifted[7], monitoring_type="edge")
    services.step_take(
        actor=worker,
        proposal=returned,
        stage=Stage.VILLAGE_REVIEW,
        decision="return",
        reason="核实后收入未明显下降",
        meeting_on=today - dt.timedelta(days=3),
        attendees=11,
        channel=CHANNEL,
    )
    _through(propose(lifted[8]), worker, leader, boss, until=Stage.COUNTY_DECISION)
    # Returned by the township, amended by the worker and back at the township.
    amended = _through(propose(lifted[9]), worker, leader, boss, until=Stage.TOWNSHIP_REVIEW)
    services.step_take(
        actor=leader,
        proposal=amended,
        stage=Stage.TOWNSHIP_REVIEW,
        decision="return",
        reason="缺少医疗费用票据",
        channel=CHANNEL,
    )
    services.proposal_resubmit(
        actor=worker,
        proposal=amended,
        reason="补充了住院费用票据",
        risk_kinds=["illness", "income_drop"],
        channel=CHANNEL,
    )
    services.watch_propose()
    return HouseholdPoverty.objects.count()
