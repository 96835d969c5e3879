"""Livelihoods test helpers on top of core.testing."""

from __future__ import annotations

import datetime as dt

from doorstep.livelihoods import services
from doorstep.livelihoods.models import Course, CourseSession, Employer, JobOpening, Skill
from doorstep.registry.models import Relationship, Resident

CH = "test"


def skill(code: str) -> Skill:
    # Seeded by migration 0002; a transactional test after a flush finds it gone.
    return Skill.objects.get_or_create(code=code, defaults={"name": code})[0]


def adult(household, *, name: str = "买买提·艾力", born: dt.date = dt.date(1995, 3, 1)) -> Resident:
    return Resident.objects.create(
        household=household, name=name, relationship=Relationship.CHILD, birth_date=born, sex="M"
    )


def employer(actor, area, *, name: str = "阿克苏纺织厂", **extra) -> Employer:
    return services.employer_create(
        actor=actor, name=name, kind="company", area=area, channel=CH, **extra
    )


def opening(actor, employer_, *, area=None, skills=(), **extra) -> JobOpening:
    today = dt.date.today()
    values = {
        "title": "缝纫工",
        "wage_monthly": 3500,
        "posts": 3,
        "starts_on": today,
        "closes_on": today + dt.timedelta(days=30),
        "skills": [skill(s) for s in skills],
    }
    values.update(extra)
    return services.opening_create(
        actor=actor, employer=employer_, area=area or employer_.area, channel=CH, **values
    )


def seeker(actor, resident, *, skills=(), **extra):
    values = {"languages": "zh,ug", "max_distance_km": 30}
    values.update(extra)
    return services.seeker_save(
        actor=actor, resident=resident, skills=[skill(s) for s in skills], channel=CH, **values
    )


def session(actor, area, *, capacity: int = 10, code: str = "tailoring") -> CourseSession:
    course = Course.objects.create(skill=skill(code), title="缝纫培训班")
    today = dt.date.today()
    return services.session_create(
        actor=actor,
        course=course,
        trainer="古丽",
        area=area,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=10),
        capacity=capacity,
        channel=CH,
    )
