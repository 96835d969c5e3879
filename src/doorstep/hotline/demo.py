"""The duty room for the demo data set (`manage.py demo`): a duty office in each demo
township (Aksu's Langan subdistrict, the first township of Kashgar city, the Lintao
worker's township), its responders (the property company, the power company, a lift
company, a grid worker, and the human resources bureau's desk, whose members are the
demo responder), who is on duty now and a Spring Festival holiday roster, and calls in
every state — new, dispatched, acknowledged, on scene, resolved, called back (no
answer), reopened, closed — some of them public Open311 requests.

Written through the services, like real use (so the audit log and each call's events
are what the pages show); only the offices and responders are plain rows, as the
administration pages (issue 12 part 1) will write them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area
from doorstep.hotline.models import (
    Call,
    CallSource,
    Holiday,
    HolidayKind,
    Office,
    Responder,
    ResponderKind,
    ShiftRole,
)
from doorstep.hotline.services.calls import (
    CallbackOutcome,
    call_callback,
    call_dispatch,
    call_take,
    dispatch_step,
)
from doorstep.hotline.services.open311 import open311_key_create
from doorstep.hotline.services.responders import responder_contacts_set
from doorstep.hotline.services.rosters import holiday_roster_plan, shift_plan

CHANNEL = "demo"
# Spring Festival public holidays (the State Council's calendar), first and last day.
SPRING_FESTIVAL = {
    2026: (dt.date(2026, 2, 15), dt.date(2026, 2, 23)),
    2027: (dt.date(2027, 2, 5), dt.date(2027, 2, 11)),
    2028: (dt.date(2028, 1, 25), dt.date(2028, 1, 31)),
    2029: (dt.date(2029, 2, 12), dt.date(2029, 2, 18)),
}
OFFICERS_PER_OFFICE = 4

# (kind, name, contact, phone, categories): the usual numbers a duty room rings.
RESPONDERS = (
    (
        ResponderKind.PROPERTY_COMPANY,
        "物业服务公司",
        "马经理",
        "13899001001",
        ("water", "sanitation", "noise_dispute", "other"),
    ),
    (ResponderKind.UTILITY, "供电所抢修班", "陈师傅", "13899001002", ("power",)),
    (ResponderKind.UTILITY, "燃气公司", "刘师傅", "13899001003", ("gas",)),
    (
        ResponderKind.LIFT_MAINTENANCE,
        "电梯维保公司",
        "王师傅",
        "13899001004",
        ("lift_entrapment",),
    ),
    (
        ResponderKind.GRID_WORKER,
        "网格员",
        "阿依古丽",
        "13899001005",
        ("person_in_danger", "fire_hazard", "noise_dispute"),
    ),
)
# The department desk the demo responder answers for (with its unit in casework).
DEPARTMENT_DESK = "人社局服务窗口"

# (category, urgency, description, building, final state). The states are reached
# through the services, in order; "callback" means a callback with no answer.
CALLS = (
    ("lift_entrapment", "", "3号楼电梯停在两层之间，里面有一位老人", "3", "new"),
    ("power", "high", "小区东片停电，冰箱和取暖器都不能用", "7", "dispatched"),
    ("water", "normal", "楼道水管破裂，水流到一楼", "12", "acknowledged"),
    ("person_in_danger", "", "独居老人两天没有开门，邻居担心", "5", "on_scene"),
    ("sanitation", "normal", "垃圾三天没有清运", "9", "resolved"),
    ("noise_dispute", "normal", "楼上深夜装修，噪声很大", "2", "callback"),
    ("power", "normal", "楼道灯不亮，老人晚上上下楼不方便", "4", "reopened"),
    ("gas", "", "厨房有燃气味", "11", "closed"),
    ("water", "normal", "停水一整天，没有通知", "8", "closed"),
)
# Public requests through Open311 (the city's app): no account, an e-mail address.
OPEN311_CALLS = (
    ("sanitation", "公园门口垃圾桶满了", "new"),
    ("fire_hazard", "消防通道被电动车堵住", "dispatched"),
    ("other", "路灯坏了", "closed"),
)


def _spring_festival(today: dt.date) -> Holiday:
    dates = next(
        (d for year, d in sorted(SPRING_FESTIVAL.items()) if d[1] >= today),
        (today + dt.timedelta(days=60), today + dt.timedelta(days=66)),
    )
    holiday, _ = Holiday.objects.get_or_create(
        kind=HolidayKind.SPRING_FESTIVAL, starts_on=dates[0], defaults={"ends_on": dates[1]}
    )
    return holiday


def _demo_townships() -> list[tuple[Area, User | None]]:
    """(township, the duty officer account if it sits there) for each demo township."""
    townships = []
    duty = User.objects.filter(username="demo_duty").select_related("area").first()
    for username in ("demo_leader", "demo_worker_lintao"):
        user = User.objects.filter(username=username).select_related("area").first()
        if user is None or user.area is None:
            continue
        area = user.area if user.role == Role.TEAM_LEADER else user.area.parent
        if area is not None:
            townships.append(area)
    kashgar = (
        Area.objects.filter(level="township", code__startswith="653101").order_by("code").first()
    )
    if kashgar is not None:
        townships.append(kashgar)
    return [(t, duty if duty is not None and duty.area_id == t.pk else None) for t in townships]


def _staff_of(township: Area, *, role: str, limit: int) -> list[User]:
    return list(
        User.objects.filter(area__path__startswith=township.path, role=role, is_active=True)
        .select_related("area")
        .order_by("pk")[:limit]
    )


def _responders(office: Office, *, leader: User, desk_members: list[User]) -> dict[str, Responder]:
    made = {}
    for kind, name, contact, phone, categories in RESPONDERS:
        responder = Responder.objects.create(
            office=office,
            name=name,
            kind=kind,
            contact_name=contact,
            phone=phone,
            categories="," + ",".join(categories) + ",",
        )
        responder_contacts_set(
            actor=leader,
            responder=responder,
            contacts=[
                {"name": contact, "role": "值班", "phone": phone},
                {"name": "调度室", "role": "备用", "phone": phone[:-1] + "9"},
            ],
            channel=CHANNEL,
        )
        made[name] = responder
    desk = Responder.objects.create(
        office=office,
        name=DEPARTMENT_DESK,
        kind=ResponderKind.DEPARTMENT,
        contact_name="周科长",
        phone="09972100123",
        categories=",person_in_danger,other,",
    )
    desk.members.add(*desk_members)
    made[DEPARTMENT_DESK] = desk
    return made


def _advance(call: Call, state: str, *, officer: User, responder: Responder, actor) -> None:
    """Walk `call` to `state` through the services."""
    if state == "new":
        return
    dispatch = call_dispatch(actor=officer, call=call, responder=responder, channel=CHANNEL)
    steps = {
        "dispatched": [],
        "acknowledged": ["acknowledge"],
        "on_scene": ["acknowledge", "arrive"],
    }.get(state, ["acknowledge", "arrive", "resolve"])
    for step in steps:
        dispatch = dispatch_step(actor=actor, dispatch=dispatch, step=step, channel=CHANNEL)
    call.refresh_from_db()
    if state == "callback":
        call_callback(actor=officer, call=call, outcome=CallbackOutcome.NO_ANSWER, channel=CHANNEL)
    elif state == "reopened":
        call_callback(
            actor=officer,
            call=call,
            outcome=CallbackOutcome.NOT_FIXED,
            note="居民说灯还是不亮",
            channel=CHANNEL,
        )
    elif state == "closed":
        call_callback(
            actor=officer,
            call=call,
            outcome=CallbackOutcome.CONFIRMED,
            note="已修好，居民满意",
            channel=CHANNEL,
        )


def _pick(responders: dict[str, Responder], category: str) -> Responder:
    for responder in responders.values():
        if category in responder.category_list:
            return responder
    return responders[DEPARTMENT_DESK]


def _calls(office: Office, *, officer: User, responders: dict[str, Responder], villages) -> int:
    desk_member = responders[DEPARTMENT_DESK].members.first()
    taken = 0
    for i, (category, urgency, description, building, state) in enumerate(CALLS):
        call = call_take(
            actor=officer,
            office=office,
            category=category,
            urgency=urgency or "high",
            description=description,
            caller_name="居民",
            caller_phone=f"1380997{i:04d}",
            place_area=villages[i % len(villages)] if villages else None,
            building=building,
            unit="2",
            channel=CHANNEL,
        )
        responder = _pick(responders, category)
        # The department desk's steps are recorded by its member, the others' by the
        # officer after the responder phoned.
        actor = desk_member if responder.name == DEPARTMENT_DESK and desk_member else officer
        _advance(call, state, officer=officer, responder=responder, actor=actor)
        taken += 1
    for i, (category, description, state) in enumerate(OPEN311_CALLS):
        call = call_take(
            actor=None,
            office=office,
            category=category,
            urgency="normal",
            description=description,
            address="人民路" + str(10 + i) + "号",
            contact_email=f"resident{i}@example.org",
            source=CallSource.OPEN311,
            channel="open311",
        )
        _advance(call, state, officer=officer, responder=_pick(responders, category), actor=officer)
        taken += 1
    return taken


@transaction.atomic
def hotline_demo_load() -> int:
    """Offices, rosters, responders and calls; returns the number of calls taken."""
    if Office.objects.exists():
        return 0
    today = timezone.localdate()
    now = timezone.now()
    holiday = _spring_festival(today)
    desk_members = list(User.objects.filter(username="demo_responder", role=Role.RESPONDER))
    calls = 0
    for township, duty in _demo_townships():
        leaders = _staff_of(township, role=Role.TEAM_LEADER, limit=2)
        if not leaders:
            continue
        officers = _staff_of(township, role=Role.WORKER, limit=OFFICERS_PER_OFFICE)
        if duty is not None:
            officers = [duty, *[o for o in officers if o.pk != duty.pk]][:OFFICERS_PER_OFFICE]
        if not officers:
            continue
        office = Office.objects.create(
            name=f"{township.name}值班室",
            code=f"duty-{township.code}",
            area=township,
            phone=f"0997-2{township.code[-6:]}",
        )
        leader = leaders[0]
        # Who is on duty now: the first officer's day shift, the leader on call.
        day_start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
        shift_plan(
            actor=leader,
            office=office,
            officer=officers[0],
            starts_at=day_start,
            ends_at=day_start + dt.timedelta(hours=8),
            channel=CHANNEL,
        )
        shift_plan(
            actor=leader,
            office=office,
            officer=leader,
            starts_at=day_start,
            ends_at=day_start + dt.timedelta(hours=24),
            role=ShiftRole.LEADER,
            channel=CHANNEL,
        )
        holiday_roster_plan(
            actor=leader,
            office=office,
            holiday=holiday,
            officers=officers,
            leaders=leaders,
            channel=CHANNEL,
        )
        open311_key_create(actor=leader, office=office, name="城市服务App", channel=CHANNEL)
        responders = _responders(office, leader=leader, desk_members=desk_members)
        villages = list(township.children.order_by("code")[:5])
        calls += _calls(office, officer=officers[0], responders=responders, villages=villages)
    return calls
