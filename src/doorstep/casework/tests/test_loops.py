"""Loop 1 through the API: refer → the department accepts (the need moves) → completes
(the owner is asked to resolve, outcome prefilled; or a final answer resolves it) →
the owner is notified (in-app and by SMS in their language) → resolved → the resident
confirms or disputes in the portal. Bad steps answer a translated 4xx and write nothing."""

import pytest

from doorstep.casework.models import (
    Need,
    NeedStatus,
    Notification,
    NotificationPreference,
    Referral,
    UnitMember,
)
from doorstep.casework.services import pairing_create
from doorstep.casework.tests.factories import make_unit, open_need
from doorstep.core import sms
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/v1/casework"


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.DOORSTEP_SMS_BACKEND = "locmem"
    settings.DOORSTEP_NOTIFY_CHANNEL = "sms"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def unit(responder, areas):
    unit = make_unit(name="县民政局", accepts_referrals=True, area=areas["county"])
    UnitMember.objects.create(user=responder, unit=unit)
    return unit


@pytest.fixture
def need(team_leader, worker_a, household_a):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    worker_a.phone = "13800000001"
    worker_a.save(update_fields=["phone"])
    NotificationPreference.objects.create(user=worker_a, language="zh-hans")
    return open_need(actor=worker_a, household=household_a, category="income")


def _portal(resident):
    from doorstep.portal.auth import session_start

    token, _ = session_start(resident=resident)
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def _kinds(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def test_refer_accept_complete_resolve_and_the_resident_confirms(
    need, unit, worker_a, responder, resident_a, django_capture_on_commit_callbacks
):
    worker, dept = ApiClient(worker_a), ApiClient(responder)
    referral = worker.post(f"{BASE}/needs/{need.pk}/referrals", {"unit": unit.pk}).json()
    assert _kinds(responder) == ["referral_new"]

    with django_capture_on_commit_callbacks(execute=True):
        accepted = dept.post(f"{BASE}/referrals/{referral['id']}/accept", {})
    assert accepted.status_code == 200
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS and need.acknowledged_at is not None
    assert _kinds(worker_a) == ["referral_accepted"]
    # The SMS names the step and the need's number in the owner's language, no household.
    assert sms.outbox[-1].phone == "13800000001"
    assert "转介已接受" in sms.outbox[-1].text and str(need.pk) in sms.outbox[-1].text

    done = dept.post(
        f"{BASE}/referrals/{referral['id']}/actions",
        {"note": "低保已批准，下月发放", "completed": True},
    )
    assert done.status_code == 200 and done.json()["outcome"] == "低保已批准，下月发放"
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS
    assert need.resolution_proposed == "低保已批准，下月发放"
    assert _kinds(worker_a)[-1] == "referral_completed"
    page = ApiClient(worker_a, token=False).client.get(f"/casework/needs/{need.pk}/")
    assert 'value="低保已批准，下月发放"' in page.content.decode()

    resolved = worker.post(
        f"{BASE}/needs/{need.pk}/transitions",
        {"action": "resolve", "version": need.version, "note": need.resolution_proposed},
    )
    assert resolved.json()["status"] == "resolved"

    portal = _portal(resident_a)
    confirmed = portal.post(f"/api/v1/portal/needs/{need.pk}/confirm", {})
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert _kinds(worker_a)[-1] == "need_confirmed"
    event = AuditEvent.objects.filter(object_type="need", object_id=str(need.pk)).last()
    assert event.by_resident_id == resident_a.pk and event.actor_id is None


def test_a_final_answer_resolves_the_need_at_once(need, unit, worker_a, responder):
    worker, dept = ApiClient(worker_a), ApiClient(responder)
    referral = worker.post(f"{BASE}/needs/{need.pk}/referrals", {"unit": unit.pk}).json()
    dept.post(f"{BASE}/referrals/{referral['id']}/accept", {})
    dept.post(
        f"{BASE}/referrals/{referral['id']}/actions",
        {"note": "大病救助已发放 8000 元", "completed": True, "final": True},
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.RESOLVED
    assert _kinds(worker_a) == ["referral_accepted", "referral_completed"]


def test_a_decline_returns_the_need_to_its_owner_with_the_reason(need, unit, worker_a, responder):
    worker, dept = ApiClient(worker_a), ApiClient(responder)
    referral = worker.post(f"{BASE}/needs/{need.pk}/referrals", {"unit": unit.pk}).json()
    dept.post(f"{BASE}/referrals/{referral['id']}/decline", {"reason": "不属于本局职责"})
    row = Notification.objects.get(recipient=worker_a)
    assert (row.kind, row.note) == ("referral_declined", "不属于本局职责")


def test_a_resident_dispute_reopens_the_need_with_their_words(
    need, worker_a, resident_a, household_b
):
    worker = ApiClient(worker_a)
    for action in ("acknowledge", "start", "resolve"):
        need = Need.objects.get(pk=need.pk)
        worker.post(
            f"{BASE}/needs/{need.pk}/transitions", {"action": action, "version": need.version}
        )
    portal = _portal(resident_a)
    empty = portal.post(f"/api/v1/portal/needs/{need.pk}/dispute", {"words": ""})
    assert_error(empty, 422, field="words")
    disputed = portal.post(f"/api/v1/portal/needs/{need.pk}/dispute", {"words": "屋顶还在漏"})
    assert disputed.json()["status"] == "reopened"
    assert any(e["note"] == "屋顶还在漏" for e in disputed.json()["timeline"])
    row = Notification.objects.get(recipient=worker_a, kind="need_disputed")
    assert row.note == "屋顶还在漏"
    # A second answer on a reopened need is out of order: 422 naming the step, nothing written.
    before = AuditEvent.objects.count()
    again = portal.post(f"/api/v1/portal/needs/{need.pk}/confirm", {})
    assert_error(again, 422, field="action")
    assert AuditEvent.objects.count() == before + 1  # the read of the need only


def test_out_of_order_and_wrong_role_steps_write_nothing(
    need, unit, worker_a, worker_b, responder, team_leader
):
    worker, dept = ApiClient(worker_a), ApiClient(responder)
    referral = worker.post(f"{BASE}/needs/{need.pk}/referrals", {"unit": unit.pk}).json()
    # Completing before accepting is out of order.
    early = dept.post(
        f"{BASE}/referrals/{referral['id']}/actions", {"note": "完成", "completed": True}
    )
    assert_error(early, 422, field="status")
    # A worker may not answer for the department; a worker of another village cannot see it.
    assert worker.post(f"{BASE}/referrals/{referral['id']}/accept", {}).status_code in (403, 404)
    assert (
        ApiClient(worker_b).post(f"{BASE}/referrals/{referral['id']}/accept", {}).status_code == 404
    )
    assert ApiClient(team_leader).post(
        f"{BASE}/referrals/{referral['id']}/accept", {}
    ).status_code in (403, 404)
    # `final` without a completion is refused, naming the field.
    dept.post(f"{BASE}/referrals/{referral['id']}/accept", {})
    bad = dept.post(f"{BASE}/referrals/{referral['id']}/actions", {"note": "x", "final": True})
    assert_error(bad, 422, field="final")
    assert Referral.objects.get(pk=referral["id"]).status == "accepted"
    assert not Notification.objects.filter(kind="referral_completed").exists()


def test_the_notification_text_follows_the_readers_language(need, unit, worker_a, responder):
    worker = ApiClient(worker_a)
    referral = worker.post(f"{BASE}/needs/{need.pk}/referrals", {"unit": unit.pk}).json()
    ApiClient(responder).post(f"{BASE}/referrals/{referral['id']}/decline", {"reason": "无"})
    body = worker.get(f"{BASE}/notifications", HTTP_ACCEPT_LANGUAGE="ug").json()
    assert body["items"][0]["kind"] == "referral_declined" and body["items"][0]["note"] == "无"
