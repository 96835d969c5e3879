"""Livelihoods for the demo data set (`manage.py demo`): employers and openings in the
demo worker's county, two course sessions, job-seeker profiles, two years of income
for the demo worker's households (some of them falling), one placement dated five
weeks back so its 1-month follow-up is on the demo worker's due list, a business with
a micro-loan and a cooperative; then one relapse-watch run, as the night would do.
Written through the services where a person would do it; the income figures in bulk."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doorstep.accounts.models import User
from doorstep.casework.models import Pairing
from doorstep.livelihoods import services
from doorstep.livelihoods.models import (
    Employer,
    HouseholdYear,
    IncomeRecord,
    IncomeSource,
    RelapseRule,
    Skill,
)
from doorstep.livelihoods.services.common import birth_date_bounds
from doorstep.registry.models import Household, Resident

CHANNEL = "demo"
SEED = 2026


def _starting_catalogue():
    """The migration that seeds the skills and relapse rules (a test database flushed
    between live-server tests has lost them; the demo puts them back as they were)."""
    return importlib.import_module("doorstep.livelihoods.migrations.0002_seed_skills_and_rules")


def _skill(code: str) -> Skill:
    names = dict(_starting_catalogue().SKILLS)
    return Skill.objects.get_or_create(code=code, defaults={"name": names.get(code, code)})[0]


def _ensure_relapse_rules() -> None:
    for kind, params in _starting_catalogue().RULES:
        RelapseRule.objects.get_or_create(kind=kind, defaults=params)


@transaction.atomic
def livelihoods_demo_load() -> int:
    """Returns the number of households given income figures (0: nothing to do)."""
    worker = User.objects.filter(username="demo_worker").select_related("area").first()
    leader = User.objects.filter(username="demo_leader").select_related("area").first()
    if worker is None or leader is None or Employer.objects.exists():
        return 0
    _ensure_relapse_rules()
    rng = random.Random(SEED)
    today = timezone.localdate()
    village = worker.area
    lat, lon = village.latitude or 41.17, village.longitude or 80.26

    factory = services.employer_create(
        actor=leader,
        name="阿克苏纺织产业园",
        kind="company",
        area=village,
        latitude=lat + 0.02,
        longitude=lon + 0.01,
        contact_name="马经理",
        contact_phone="13899990001",
        channel=CHANNEL,
    )
    garage = services.employer_create(
        actor=leader,
        name="新城汽修服务中心",
        kind="internship_centre",
        area=village,
        latitude=lat - 0.01,
        longitude=lon + 0.02,
        channel=CHANNEL,
    )
    openings = [
        services.opening_create(
            actor=leader,
            employer=factory,
            title="缝纫工",
            area=village,
            wage_monthly=3800,
            posts=10,
            starts_on=today - dt.timedelta(days=60),
            closes_on=today + dt.timedelta(days=30),
            skills=[_skill("tailoring")],
            languages="zh,ug",
            channel=CHANNEL,
        ),
        services.opening_create(
            actor=leader,
            employer=factory,
            title="刺绣工",
            area=village,
            wage_monthly=3500,
            posts=5,
            starts_on=today,
            closes_on=today + dt.timedelta(days=45),
            skills=[_skill("embroidery"), _skill("tailoring")],
            channel=CHANNEL,
        ),
        services.opening_create(
            actor=leader,
            employer=garage,
            title="汽修学徒",
            area=village,
            wage_monthly=3000,
            posts=3,
            starts_on=today,
            closes_on=today + dt.timedelta(days=20),
            work_type="internship",
            skills=[_skill("car_repair")],
            channel=CHANNEL,
        ),
    ]
    for code, title in [("tailoring", "缝纫技能培训班"), ("electrical", "电工上岗培训")]:
        course = services.course_create(
            actor=leader,
            skill=_skill(code),
            title=title,
            provider="县职业技能培训中心",
            hours=120,
            channel=CHANNEL,
        )
        services.session_create(
            actor=leader,
            course=course,
            trainer="古丽巴哈尔",
            area=village.parent or village,
            venue="新城街道文化站",
            starts_on=today - dt.timedelta(days=10),
            ends_on=today + dt.timedelta(days=20),
            capacity=30,
            channel=CHANNEL,
        )

    # The demo worker's own households first (paired with them), then the village's.
    paired = list(
        Pairing.objects.active().filter(worker=worker).values_list("household_id", flat=True)[:80]
    )
    nearby = list(
        Household.objects.within(village).exclude(pk__in=paired).values_list("pk", flat=True)[:80]
    )
    household_ids = (paired + nearby)[:80]
    born_after, born_by = birth_date_bounds(today)
    adults = list(
        Resident.objects.filter(
            household_id__in=household_ids, birth_date__gt=born_after, birth_date__lte=born_by
        ).order_by("pk")[:30]
    )
    codes = ["tailoring", "embroidery", "car_repair", "driving", "cooking", "farming"]
    seekers = [
        services.seeker_save(
            actor=worker,
            resident=r,
            skills=[_skill(c) for c in rng.sample(codes, 2)],
            languages="zh,ug",
            max_distance_km=rng.choice([10, 30, 60]),
            channel=CHANNEL,
        )
        for r in adults
    ]
    if seekers:
        first = seekers[0]
        proposal = services.proposal_create(
            actor=worker, opening=openings[0], seeker=first, channel=CHANNEL
        )
        services.proposal_agree(actor=worker, proposal=proposal, channel=CHANNEL)
        services.proposal_accept(
            actor=worker,
            proposal=proposal,
            started_on=today - dt.timedelta(days=35),
            channel=CHANNEL,
        )
        owner = adults[-1]
        business = services.business_create(
            actor=worker,
            owner=owner,
            name="阿依古丽馕坑",
            trade="餐饮",
            started_on=today - dt.timedelta(days=200),
            licence_no="92652901MA00001",
            premises="market_stall",
            channel=CHANNEL,
        )
        services.loan_create(
            actor=worker,
            business=business,
            amount=50000,
            bank="农村信用社",
            term_months=36,
            disbursed_on=today - dt.timedelta(days=190),
            channel=CHANNEL,
        )
        coop = services.cooperative_create(
            actor=leader,
            name="英巴格刺绣专业合作社",
            area=village,
            products="手工刺绣、艾德莱斯绸",
            founded_on=today - dt.timedelta(days=700),
            certifications=["geographical"],
            sales_channels=["local", "online"],
            channel=CHANNEL,
        )
        for r in adults[1:4]:
            services.cooperative_add_member(
                actor=worker,
                cooperative=coop,
                resident=r,
                joined_on=today - dt.timedelta(days=300),
                channel=CHANNEL,
            )

    # Two years of income, in bulk: most families steady, some falling, a few low.
    years, records = [], []
    for household_id in household_ids:
        members = rng.randint(2, 6)
        base = Decimal(rng.randint(6000, 16000) * members)
        trend = rng.choice([Decimal("1.1")] * 6 + [Decimal("0.6"), Decimal("0.95")])
        for year, total in [
            (today.year - 1, base),
            (today.year, (base * trend).quantize(Decimal("1"))),
        ]:
            split = {
                IncomeSource.WAGES: total * Decimal("0.6"),
                IncomeSource.FARMING: total * Decimal("0.4"),
            }
            for source, amount in split.items():
                records.append(
                    IncomeRecord(
                        household_id=household_id,
                        year=year,
                        source=source,
                        amount=amount.quantize(Decimal("0.01")),
                    )
                )
            years.append(
                HouseholdYear(
                    household_id=household_id,
                    year=year,
                    members=members,
                    income_total=total,
                    income_per_person=(total / members).quantize(Decimal("0.01")),
                    sources=2,
                    medical_spending=Decimal(rng.choice([0, 0, 0, 2000, 30000])),
                )
            )
    IncomeRecord.objects.bulk_create(records)
    HouseholdYear.objects.bulk_create(years)
    services.relapse_watch_run(today=today)
    return len(household_ids)
