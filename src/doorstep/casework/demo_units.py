"""Units, needs and referrals for the demo data set (`manage.py demo`).

- the usual departments of Aksu city, each taking referrals: human resources and
  social security, civil affairs, medical assistance, housing, the disabled persons'
  federation, a bank, a training centre and the property company; the demo responder
  answers for the human resources bureau;
- a government unit (the natural resources bureau) twinned with a village of the
  demo team leader's township, its three officials paired with households there;
- needs of the demo worker's households in every state (open, acknowledged, in
  progress, resolved, confirmed, reopened), opened over the past months, so each has
  a timeline; referrals in every state (sent, accepted, declined, completed).

Written through the services (units, twinning, pairings, needs, referrals); each need's
timestamps are then moved back together so that the timelines spread over the year.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, DateTimeField, F
from django.utils import timezone

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.casework.models import (
    Need,
    NeedEvent,
    Pairing,
    Referral,
    Unit,
    UnitKind,
    UnitMember,
)
from doorstep.casework.services import pairings_bulk_assign
from doorstep.casework.services.needs import TRANSITIONS, NeedAction, need_open, need_transition
from doorstep.casework.services.referrals import (
    referral_accept,
    referral_create,
    referral_decline,
    referral_record_action,
)
from doorstep.casework.services.units import twinning_add, unit_member_add, unit_save
from doorstep.registry.models import Household

CHANNEL = "demo"

# (name, kind): the departments a worker refers needs to.
DEPARTMENTS = (
    ("阿克苏市人力资源和社会保障局", UnitKind.HUMAN_RESOURCES),
    ("阿克苏市民政局", UnitKind.CIVIL_AFFAIRS),
    ("阿克苏市医疗保障局", UnitKind.HEALTH),
    ("阿克苏市住房和城乡建设局", UnitKind.HOUSING),
    ("阿克苏市残疾人联合会", UnitKind.DISABLED_PERSONS),
    ("农村信用合作社兰干支行", UnitKind.BANK),
    ("阿克苏市职业技能学校", UnitKind.VOCATIONAL_SCHOOL),
    ("兰干物业服务有限公司", UnitKind.COMPANY),
)
RESPONDER_UNITS = ("阿克苏市人力资源和社会保障局", "阿克苏市民政局")
TWINNED_UNIT = "阿克苏市自然资源局"
OFFICIALS = (
    ("official_zr1", "建华", "孙"),
    ("official_zr2", "海燕", "周"),
    ("official_zr3", "努尔古丽·艾则孜", ""),
)
OFFICIAL_HOUSEHOLDS = 3

# (category, title, urgency, days ago, final state, referral: (unit index, state) or None)
NEEDS = (
    ("medical_costs", "母亲住院费用负担重", "high", 150, "confirmed", (2, "completed")),
    ("employment", "儿子高中毕业找工作", "normal", 120, "in_progress", (0, "accepted")),
    ("housing", "房屋漏雨需要维修", "high", 95, "resolved", (3, "completed")),
    ("disability_support", "父亲需要轮椅", "normal", 80, "acknowledged", (4, "sent")),
    ("income", "家庭收入下降，申请低保", "normal", 60, "in_progress", (1, "accepted")),
    ("training", "想学电工技能", "normal", 45, "open", (0, "sent")),
    ("elderly_care", "独居老人冬季取暖", "immediate", 30, "reopened", None),
    ("income", "申请小额贷款开店", "normal", 20, "acknowledged", (5, "declined")),
    ("education", "孩子上学交通不便", "normal", 10, "open", None),
    ("employment", "妻子想找附近的工作", "normal", 5, "open", (0, "completed")),
    ("legal_aid", "工资被拖欠", "high", 3, "acknowledged", (0, "declined")),
)
_STEPS = {
    "open": [],
    "acknowledged": [NeedAction.ACKNOWLEDGE],
    "in_progress": [NeedAction.ACKNOWLEDGE, NeedAction.START],
    "resolved": [NeedAction.ACKNOWLEDGE, NeedAction.START, NeedAction.RESOLVE],
    "confirmed": [NeedAction.ACKNOWLEDGE, NeedAction.START, NeedAction.RESOLVE, NeedAction.CONFIRM],
    "reopened": [NeedAction.ACKNOWLEDGE, NeedAction.START, NeedAction.RESOLVE, NeedAction.REOPEN],
}


def demo_unit_member(*, actor, unit: Unit, user: User) -> None:
    """Make `user` a member of `unit`: the one place the demo knows how memberships are
    kept. While an account belongs to one unit (UnitMember.user one-to-one), a second
    unit is skipped; once one person may serve several units, they get each."""
    memberships = UnitMember.objects.filter(user=user)
    if memberships.filter(unit=unit).exists():
        return
    if UnitMember._meta.get_field("user").one_to_one and memberships.exists():
        return
    unit_member_add(actor=actor, unit=unit, user=user, channel=CHANNEL)


def _shift_back(model, pks, delta: dt.timedelta) -> None:
    """Move every stored date-time of these rows back by `delta` (auto_now excepted)."""
    columns = {
        f.attname: F(f.attname) - delta
        for f in model._meta.concrete_fields
        if isinstance(f, DateTimeField) and not (f.auto_now or f.auto_now_add)
    }
    model.objects.filter(pk__in=pks).update(**columns)


def _units(admin: User, area: Area) -> list[Unit]:
    return [
        unit_save(
            actor=admin, name=name, kind=kind, area=area, accepts_referrals=True, channel=CHANNEL
        )
        for name, kind in DEPARTMENTS
    ]


def _twinned_unit(admin: User, leader: User, county: Area) -> int:
    """The natural resources bureau, twinned with a village of the leader's township
    (not the demo worker's), its officials paired with households there."""
    # The village with the most households, so that each official has some.
    village = (
        Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=leader.area.path)
        .exclude(pk__in=User.objects.filter(username="demo_worker").values("area_id"))
        .annotate(size=Count("children__households"))
        .filter(size__gt=0)
        .order_by("-size", "code")
        .first()
    )
    if village is None:
        return 0
    unit = unit_save(
        actor=admin,
        name=TWINNED_UNIT,
        kind=UnitKind.OTHER_DEPARTMENT,
        area=county,
        channel=CHANNEL,
    )
    twinning_add(
        actor=admin,
        unit=unit,
        village=village,
        started_on=timezone.localdate() - dt.timedelta(days=400),
        channel=CHANNEL,
    )
    households = list(Household.objects.within(village).order_by("household_no"))
    paired = 0
    for i, (username, first, last) in enumerate(OFFICIALS):
        official, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "role": Role.WORKER,
                "area": county,
                "first_name": first,
                "last_name": last,
                "languages": "zh",
                "password": make_password(None),
            },
        )
        demo_unit_member(actor=admin, unit=unit, user=official)
        # Dealt in turn, so that each official has some even in a small village.
        mine = households[i :: len(OFFICIALS)][:OFFICIAL_HOUSEHOLDS]
        if mine:
            pairings_bulk_assign(
                actor=leader,
                worker=official,
                household_ids=[h.pk for h in mine],
                started_on=timezone.localdate() - dt.timedelta(days=380),
                channel=CHANNEL,
            )
            paired += len(mine)
    return paired


def _referral_to(referral: Referral, state: str, *, responder: User, admin: User) -> None:
    # The unit's own responder answers; units without one in the demo, the administrator.
    member = UnitMember.objects.filter(user=responder, unit=referral.unit).exists()
    actor = responder if member else admin
    if state in ("accepted", "completed"):
        referral_accept(actor=actor, referral=referral, note="已受理", channel=CHANNEL)
    if state == "completed":
        referral_record_action(
            actor=actor, referral=referral, note="已办理完毕", completed=True, channel=CHANNEL
        )
    if state == "declined":
        referral_decline(
            actor=actor,
            referral=referral,
            reason="不符合本单位办理条件，请转民政局",
            channel=CHANNEL,
        )


def _needs(worker: User, units: list[Unit], *, responder: User, admin: User) -> int:
    households = list(
        Household.objects.filter(
            pk__in=Pairing.objects.active().filter(worker=worker).values("household_id")
        ).order_by("household_no")
    )
    if not households:
        return 0
    now = timezone.now()
    for i, (category, title, urgency, days, state, referral) in enumerate(NEEDS):
        need = need_open(
            actor=worker,
            household=households[i % len(households)],
            category=category,
            title=title,
            urgency=urgency,
            channel=CHANNEL,
        )
        made = None
        if referral is not None:
            unit = units[referral[0]]
            made = referral_create(
                actor=worker,
                need=need,
                unit=unit,
                note=title,
                # Training is voluntary: the demo resident agreed to the school's course.
                resident_agreed=unit.kind == UnitKind.VOCATIONAL_SCHOOL,
                channel=CHANNEL,
            )
            _referral_to(made, referral[1], responder=responder, admin=admin)
        for action in _STEPS[state]:
            need.refresh_from_db()
            if need.status not in TRANSITIONS[action].sources:
                continue  # an accepted referral already acknowledged and started it
            need_transition(
                actor=worker,
                need=need,
                action=action,
                expected_version=need.version,
                note="居民反映问题仍未解决" if action == NeedAction.REOPEN else "",
                channel=CHANNEL,
            )
        # Spread the timeline: the need was opened `days` ago.
        delta = dt.timedelta(days=days)
        _shift_back(Need, [need.pk], delta)
        _shift_back(NeedEvent, list(need.events.values_list("pk", flat=True)), delta)
        if made is not None:
            _shift_back(Referral, [made.pk], delta)
            # An unanswered referral still waits for its answer.
            if referral[1] == "sent":
                Referral.objects.filter(pk=made.pk).update(due_at=now + dt.timedelta(days=3))
    return len(NEEDS)


@transaction.atomic
def units_demo_load() -> int:
    """Returns the number of needs opened (0 when there is nothing to do)."""
    admin = User.objects.filter(username="demo_admin").first()
    leader = User.objects.filter(username="demo_leader").select_related("area").first()
    worker = User.objects.filter(username="demo_worker").first()
    responder = User.objects.filter(username="demo_responder").first()
    if None in (admin, leader, worker, responder) or Unit.objects.exists():
        return 0
    county = leader.area.parent
    units = _units(admin, county)
    by_name = {u.name: u for u in units}
    for name in RESPONDER_UNITS:
        demo_unit_member(actor=admin, unit=by_name[name], user=responder)
    _twinned_unit(admin, leader, county)
    return _needs(worker, units, responder=responder, admin=admin)
