"""A small hand-made data set whose figures are worked out by hand in the tests.

Records are written with the ORM at fixed local times (Asia/Shanghai) so that each
figure can be computed on paper; the services' own rules are casework's tests' job.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from doorstep.casework.models import (
    Contact,
    ContactSchedule,
    Escalation,
    Feedback,
    Need,
    NeedStatus,
    Referral,
    ReferralStatus,
    ScheduleBasis,
)
from doorstep.casework.tests.factories import make_unit
from doorstep.core.testing import make_household, make_user

LOCAL = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=LOCAL)


def contact(household, worker, when, kind="visit") -> Contact:
    return Contact.objects.create(household=household, worker=worker, kind=kind, occurred_at=when)


def need(household, *, opened, resolved=None, owner=None, status=None, category="housing"):
    status = status or (NeedStatus.RESOLVED if resolved else NeedStatus.OPEN)
    return Need.objects.create(
        household=household,
        category=category,
        title="屋顶漏雨",
        owner=owner,
        status=status,
        opened_at=opened,
        cycle_started_at=opened,
        acknowledge_due_at=opened + dt.timedelta(hours=24),
        resolve_due_at=opened + dt.timedelta(days=7),
        resolved_at=resolved,
    )


def schedule(household, *, worker, next_due_on, last_contact_at=None, interval=60):
    return ContactSchedule.objects.create(
        household=household,
        worker=worker,
        area=household.area,
        last_contact_at=last_contact_at,
        next_due_on=next_due_on,
        interval_days=interval,
        basis=ScheduleBasis.POLICY,
    )


def build(areas) -> dict:
    """Q3 2026 in county 652901. Households: h1, h2 in village A, h3 in its grid A1,
    h4 in village B (all township 1), h5 in village C (township 2)."""
    from doorstep.accounts.models import Role

    w1 = make_user(role=Role.WORKER, area=areas["village_a"], username="ins_w1")
    w2 = make_user(role=Role.WORKER, area=areas["village_b"], username="ins_w2")
    h1 = make_household(
        area=areas["village_a"], household_no="I-0001", latitude=41.17, longitude=80.26
    )
    h2 = make_household(area=areas["village_a"], household_no="I-0002")
    h3 = make_household(area=areas["grid_a1"], household_no="I-0003")
    h4 = make_household(area=areas["village_b"], household_no="I-0004")
    h5 = make_household(area=areas["village_c"], household_no="I-0005")
    # Contacts: 7 in Q3 (5 visits, 2 calls), one on 1 October.
    contact(h1, w1, at("2026-07-01", 10))
    contact(h1, w1, at("2026-07-15", 10), kind="call")
    contact(h3, w1, at("2026-07-01", 23, 30))  # 15:30 UTC: still 1 July locally
    contact(h3, w1, at("2026-07-02", 0, 30))  # 16:30 UTC on 1 July: 2 July locally
    contact(h4, w2, at("2026-08-10", 10))
    contact(h4, w2, at("2026-08-11", 10), kind="call")
    contact(h5, w2, at("2026-09-30", 10))
    contact(h5, w2, at("2026-10-01", 10))
    # Needs: four resolved in Q3 (5 h, 10 h, 30 h, 77 h → bucket 72 h), one open.
    n1 = need(h1, opened=at("2026-07-02", 9), resolved=at("2026-07-02", 14), owner=w1)
    n2 = need(h3, opened=at("2026-07-03", 8), resolved=at("2026-07-03", 18), owner=w1)
    n3 = need(h4, opened=at("2026-07-04", 8), resolved=at("2026-07-05", 14), owner=w2)
    n4 = need(h5, opened=at("2026-08-01", 8), resolved=at("2026-08-04", 13), owner=w2)
    n5 = need(h1, opened=at("2026-09-01", 8), owner=w1)
    # Breaches: n3 acknowledged late (raised 5 July), n5 not resolved in time (9 Sept).
    Escalation.objects.create(
        need=n3, cycle=1, breach="acknowledge", level=1, escalated_at=at("2026-07-05", 8)
    )
    Escalation.objects.create(
        need=n3, cycle=1, breach="acknowledge", level=2, escalated_at=at("2026-07-06", 8)
    )
    Escalation.objects.create(
        need=n5, cycle=1, breach="resolve", level=1, escalated_at=at("2026-09-09", 8)
    )
    # Feedback: 5, 4, 2 → mean 11/3.
    for n, score in ((n1, 5), (n2, 4), (n3, 2)):
        Feedback.objects.create(need=n, cycle=1, satisfaction=score, source="worker")
    Feedback.objects.filter(need=n1).update(recorded_at=at("2026-07-03"))
    Feedback.objects.filter(need=n2).update(recorded_at=at("2026-07-04"))
    Feedback.objects.filter(need=n3).update(recorded_at=at("2026-07-06"))
    # Referrals: housing bureau answers in 6 h and 30 h (the second late); health never.
    housing = make_unit(name="住建局", kind="housing", accepts_referrals=True)
    health = make_unit(name="卫健委", kind="health", accepts_referrals=True)
    Referral.objects.create(
        need=n1,
        unit=housing,
        status=ReferralStatus.ACCEPTED,
        due_at=at("2026-07-03", 9),
        created_at=at("2026-07-02", 10),
        responded_at=at("2026-07-02", 16),
    )
    Referral.objects.create(
        need=n4,
        unit=housing,
        status=ReferralStatus.DECLINED,
        decline_reason="不符合条件",
        due_at=at("2026-08-02", 9),
        created_at=at("2026-08-01", 9),
        responded_at=at("2026-08-02", 15),
    )
    Referral.objects.create(
        need=n5,
        unit=health,
        status=ReferralStatus.SENT,
        due_at=at("2026-09-03", 9),
        created_at=at("2026-09-01", 9),
    )
    # Schedules as of 30 September: h1 covered, h3 covered, h4 overdue, h5 covered
    # (contacted, due later); h2 has none (never paired).
    schedule(h1, worker=w1, next_due_on=dt.date(2026, 11, 1), last_contact_at=at("2026-07-15", 10))
    schedule(
        h3, worker=w1, next_due_on=dt.date(2026, 10, 1), last_contact_at=at("2026-07-02", 0, 30)
    )
    schedule(h4, worker=w2, next_due_on=dt.date(2026, 9, 1), last_contact_at=at("2026-08-11", 10))
    schedule(h5, worker=w2, next_due_on=dt.date(2026, 11, 29), last_contact_at=at("2026-09-30", 10))
    return {
        "w1": w1,
        "w2": w2,
        "h1": h1,
        "h2": h2,
        "h3": h3,
        "h4": h4,
        "h5": h5,
        "needs": [n1, n2, n3, n4, n5],
        "housing": housing,
        "health": health,
    }
