"""A staff account may belong to several units: a responder sees and answers the
referrals of each; moved out of a unit, they keep sight of the referrals they answered
themselves there and lose the rest; pairing eligibility covers every unit's villages."""

import pytest
from django.core.exceptions import PermissionDenied

from doorstep.casework import selectors
from doorstep.casework.membership import members_by_unit, unit_active_members, unit_ids_of
from doorstep.casework.models import Twinning, UnitMember
from doorstep.casework.services import need_open, referral_accept, referral_create
from doorstep.casework.services.pairings import ineligible_households
from doorstep.casework.services.units import unit_member_remove
from doorstep.casework.tests.factories import make_unit
from doorstep.core.testing import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_units(responder):
    bureau = make_unit(name="县人社局", accepts_referrals=True)
    health = make_unit(name="县卫健委", accepts_referrals=True)
    UnitMember.objects.create(user=responder, unit=bureau)
    UnitMember.objects.create(user=responder, unit=health)
    return bureau, health


def _refer(worker, household, unit, title):
    need = need_open(
        actor=worker, household=household, category="employment", title=title, channel="t"
    )
    return referral_create(actor=worker, need=need, unit=unit, channel="t")


def test_a_responder_of_two_units_sees_and_answers_the_referrals_of_each(
    responder, worker_a, household_a, two_units
):
    bureau, health = two_units
    other = make_unit(name="银行", accepts_referrals=True)
    to_bureau = _refer(worker_a, household_a, bureau, "找工作")
    to_health = _refer(worker_a, household_a, health, "看病")
    to_other = _refer(worker_a, household_a, other, "贷款")
    seen = set(selectors.referrals_visible_to(responder).values_list("pk", flat=True))
    assert seen == {to_bureau.pk, to_health.pk}
    needs = set(selectors.needs_visible_to(responder).values_list("pk", flat=True))
    assert needs == {to_bureau.need_id, to_health.need_id}
    referral_accept(actor=responder, referral=to_health, channel="t")
    with pytest.raises(PermissionDenied):
        referral_accept(actor=responder, referral=to_other, channel="t")


def test_a_responder_moved_out_keeps_what_they_answered_and_loses_the_rest(
    responder, worker_a, household_a, two_units, administrator
):
    bureau, _health = two_units
    answered = _refer(worker_a, household_a, bureau, "找工作")
    referral_accept(actor=responder, referral=answered, channel="t")
    untouched = _refer(worker_a, household_a, bureau, "培训")
    member = UnitMember.objects.get(user=responder, unit=bureau)
    unit_member_remove(actor=administrator, member=member, channel="t")
    later = _refer(worker_a, household_a, bureau, "社保")
    seen = set(selectors.referrals_visible_to(responder).values_list("pk", flat=True))
    assert answered.pk in seen
    assert untouched.pk not in seen and later.pk not in seen
    # Read-only now: acting needs membership of the unit.
    with pytest.raises(PermissionDenied):
        referral_accept(actor=responder, referral=later, channel="t")


def test_unit_active_members_leaves_out_deactivated_accounts(responder, worker_a, two_units):
    bureau, health = two_units
    UnitMember.objects.create(user=worker_a, unit=bureau)
    assert list(unit_active_members(bureau.pk)) == [responder, worker_a]
    worker_a.is_active = False
    worker_a.save()
    assert list(unit_active_members(bureau.pk)) == [responder]
    assert members_by_unit([bureau.pk, health.pk]) == {
        bureau.pk: [responder.pk],
        health.pk: [responder.pk],
    }
    assert unit_ids_of(responder) == sorted([bureau.pk, health.pk])
    assert unit_ids_of(worker_a) == []


def test_a_member_of_two_twinned_units_may_serve_the_villages_of_each(areas, worker_b):
    first, second = make_unit(name="一局"), make_unit(name="二局")
    Twinning.objects.create(unit=first, village=areas["village_a"], started_on="2026-01-01")
    Twinning.objects.create(unit=second, village=areas["village_c"], started_on="2026-01-01")
    UnitMember.objects.create(user=worker_b, unit=first)
    UnitMember.objects.create(user=worker_b, unit=second)
    a = make_household(area=areas["village_a"])
    c = make_household(area=areas["village_c"])
    b = make_household(area=areas["village_b"])
    assert ineligible_households(worker=worker_b, households=[a, b, c]) == [b]
