"""Referrals to departments, the help given and the resident's feedback."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doorstep.casework.models import NeedEventKind, NeedStatus, ReferralStatus
from doorstep.casework.services import (
    NeedAction,
    assistance_record,
    assistance_set_status,
    feedback_record,
    need_transition,
    referral_accept,
    referral_create,
    referral_decline,
    referral_record_action,
)
from doorstep.casework.tests.factories import make_responder, make_unit, open_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(areas):
    return make_unit(accepts_referrals=True, area=areas["county"])


@pytest.fixture
def bureau_responder(bureau, areas):
    return make_responder(unit=bureau, area=areas["county"], username="hr_responder")


@pytest.fixture
def need(worker_a, household_a):
    return open_need(actor=worker_a, household=household_a, category="employment")


def _refer(worker, need, unit, **kw):
    return referral_create(actor=worker, need=need, unit=unit, note="找工作", channel="t", **kw)


def test_a_need_is_referred_accepted_acted_on_and_resolved_by_the_responder(
    worker_a, need, bureau, bureau_responder
):
    referral = _refer(worker_a, need, bureau)
    referral_accept(actor=bureau_responder, referral=referral, channel="t")
    # Accepting acknowledged the need and set it in progress (services.loops).
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS
    referral_record_action(
        actor=bureau_responder,
        referral=referral,
        note="安排到建筑工地",
        completed=True,
        channel="t",
    )
    assert referral.status == ReferralStatus.COMPLETED
    need.refresh_from_db()
    assert need.resolution_proposed == "安排到建筑工地"
    need = need_transition(
        actor=bureau_responder,
        need=need,
        action=NeedAction.RESOLVE,
        expected_version=need.version,
        channel="t",
    )
    assert need.status == NeedStatus.RESOLVED
    assert list(need.events.values_list("kind", flat=True)) == [
        "opened",
        "referred",
        "referral_accepted",
        "acknowledged",
        "started",
        "referral_action",
        "resolve_asked",
        "resolved",
    ]


def test_a_unit_that_takes_no_referrals_is_refused(worker_a, need):
    with pytest.raises(ValidationError):
        _refer(worker_a, need, make_unit(accepts_referrals=False))


def test_one_open_referral_per_unit(worker_a, need, bureau):
    _refer(worker_a, need, bureau)
    with pytest.raises(ValidationError):
        _refer(worker_a, need, bureau)


def test_declining_needs_a_reason_and_closes_the_referral(worker_a, need, bureau, bureau_responder):
    referral = _refer(worker_a, need, bureau)
    with pytest.raises(ValidationError):
        referral_decline(actor=bureau_responder, referral=referral, reason=" ", channel="t")
    referral_decline(
        actor=bureau_responder, referral=referral, reason="不属于本局职责", channel="t"
    )
    assert referral.status == ReferralStatus.DECLINED
    with pytest.raises(ValidationError):
        referral_accept(actor=bureau_responder, referral=referral, channel="t")
    # Declined: the unit may be asked again.
    assert _refer(worker_a, need, bureau).status == ReferralStatus.SENT


def test_a_responder_of_another_unit_cannot_answer(worker_a, need, bureau, responder, areas):
    referral = _refer(worker_a, need, bureau)
    with pytest.raises(PermissionDenied):
        referral_accept(actor=responder, referral=referral, channel="t")
    other = make_responder(
        unit=make_unit(name="县卫健委", accepts_referrals=True), area=areas["county"]
    )
    with pytest.raises(PermissionDenied):
        referral_accept(actor=other, referral=referral, channel="t")


def test_actions_are_recorded_only_on_an_accepted_referral(
    worker_a, need, bureau, bureau_responder
):
    referral = _refer(worker_a, need, bureau)
    with pytest.raises(ValidationError):
        referral_record_action(actor=bureau_responder, referral=referral, note="x", channel="t")


def test_a_resolved_need_cannot_be_referred(worker_a, need, bureau):
    type(need).objects.filter(pk=need.pk).update(status=NeedStatus.RESOLVED)
    need.refresh_from_db()
    with pytest.raises(ValidationError):
        _refer(worker_a, need, bureau)


def test_a_benefit_application_moves_from_applied_to_paid(worker_a, need):
    benefit = assistance_record(
        actor=worker_a,
        need=need,
        kind="benefit",
        benefit_type="serious_illness",
        amount="12000",
        channel="t",
    )
    assert (benefit.benefit_status, benefit.amount) == ("applied", Decimal("12000.00"))
    with pytest.raises(ValidationError):
        assistance_set_status(actor=worker_a, assistance=benefit, status="paid", channel="t")
    assistance_set_status(actor=worker_a, assistance=benefit, status="approved", channel="t")
    assistance_set_status(actor=worker_a, assistance=benefit, status="paid", channel="t")
    assert benefit.benefit_status == "paid"
    assert need.events.filter(kind=NeedEventKind.ASSISTANCE).count() == 3


def test_material_help_has_a_value_and_no_status(worker_a, need):
    help_given = assistance_record(
        actor=worker_a,
        need=need,
        kind="material",
        material_type="medical_device",
        amount=Decimal("3500"),
        description="假肢",
        benefit_status="paid",
        channel="t",
    )
    assert help_given.benefit_status == ""
    with pytest.raises(ValidationError):
        assistance_record(
            actor=worker_a,
            need=need,
            kind="material",
            material_type="goods",
            amount=-5,
            channel="t",
        )


def test_feedback_is_recorded_once_a_need_is_resolved(worker_a, need):
    with pytest.raises(ValidationError):
        feedback_record(actor=worker_a, need=need, satisfaction=5, channel="t")
    type(need).objects.filter(pk=need.pk).update(status=NeedStatus.RESOLVED)
    need.refresh_from_db()
    with pytest.raises(ValidationError):
        feedback_record(actor=worker_a, need=need, satisfaction=6, channel="t")
    key = uuid.uuid4()
    first = feedback_record(
        actor=worker_a, need=need, satisfaction=4, comment="很满意", client_id=key, channel="t"
    )
    assert (
        feedback_record(actor=worker_a, need=need, satisfaction=4, client_id=key, channel="t")
        == first
    )
    with pytest.raises(ValidationError):
        feedback_record(actor=worker_a, need=need, satisfaction=3, channel="t")
