"""Plans end to end through the services: compute, preview by area, apply keeping
history, and the refusals (stale plans, roles, areas)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.casework.models import ContactSchedule, Pairing
from doorstep.casework.services import pairing_create
from doorstep.core.testing import make_user
from doorstep.pairing import selectors, services
from doorstep.pairing.models import ChangeKind, PairingPlan, PlanChange, PlanStatus
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def computed(actor, area, **params) -> PairingPlan:
    plan = services.plan_create(actor=actor, area=area, channel="test", enqueue=False, **params)
    services.plan_compute(plan_id=plan.pk, processes=1)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY, plan.error
    return plan


@pytest.fixture
def far_worker(areas):
    # A worker of village B based 10 km away who speaks no Chinese.
    return make_user(
        role=Role.WORKER,
        area=areas["village_b"],
        username="far",
        latitude=41.25,
        longitude=80.35,
        languages="ug",
    )


def test_supervisor_re_pairs_the_county_and_history_is_kept(
    areas, world, worker_a, worker_b, far_worker, supervisor, team_leader
):
    # Household B1 is paired with a worker 10 km away who does not speak its
    # language: the plan moves it to worker_b (nearer, speaks Chinese).
    b1 = world["b"][0]
    old = pairing_create(actor=team_leader, worker=far_worker, household=b1, channel="t")
    plan = computed(supervisor, areas["county"], capacity=3)
    figures = plan.figures
    assert figures["after"]["served"] == 5
    assert figures["reasons"] == {"no_eligible_worker": 1}
    assert figures["after"]["cost"] >= figures["bound"]
    assert figures["greedy"]["served"] <= figures["after"]["served"]
    change = PlanChange.objects.get(plan=plan, household=b1)
    assert (change.kind, change.old_worker, change.new_worker) == (
        ChangeKind.MOVE,
        far_worker,
        worker_b,
    )
    unserved = PlanChange.objects.get(plan=plan, household=world["c"])
    assert unserved.kind == "unserved" and unserved.reason == "no_eligible_worker"
    # Preview by area: the county's townships; township 1 holds A and B.
    rows = {r.name: r for r in selectors.plan_preview(plan)}
    town = rows[areas["township"].name]
    assert (town.households, town.added, town.moved, town.kept) == (5, 4, 1, 0)
    assert rows[areas["township2"].name].unserved == 1

    counts = services.plan_apply(actor=supervisor, plan=plan, channel="test")
    assert counts == {"ended": 1, "created": 5}
    old.refresh_from_db()
    assert old.ended_on == timezone.localdate()  # ended, not deleted or re-pointed
    assert Pairing.objects.filter(household=b1).count() == 2
    active = dict(Pairing.objects.active().values_list("household_id", "worker_id"))
    assert all(active[h.pk] == worker_a.pk for h in world["a"])
    assert all(active[h.pk] == worker_b.pk for h in world["b"])
    schedules = dict(ContactSchedule.objects.values_list("household_id", "worker_id"))
    assert schedules == active
    assert AuditEvent.objects.filter(object_type="pairing", action="create").count() >= 5
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED
    with pytest.raises(ValidationError):
        services.plan_apply(actor=supervisor, plan=plan, channel="test")


def test_unit_staff_serve_only_their_twinned_village(areas, world, unit_worker, supervisor):
    plan = computed(supervisor, areas["county"], capacity=5)
    assert plan.figures["after"]["served"] == 6
    mine = set(
        PlanChange.objects.filter(plan=plan, new_worker=unit_worker).values_list(
            "household_id", flat=True
        )
    )
    assert mine == {world["c"].pk}


def test_capacity_is_respected_and_shortfall_reported(areas, world, supervisor):
    plan = computed(supervisor, areas["county"], capacity=1)
    assert plan.figures["after"]["served"] == 2
    assert plan.figures["reasons"]["capacity"] == 3
    per_worker = PlanChange.objects.filter(plan=plan, new_worker__isnull=False).values_list(
        "new_worker_id", flat=True
    )
    assert sorted(per_worker) == sorted(set(per_worker))


def test_continuity_weight_keeps_a_current_pairing(
    areas, world, far_worker, team_leader, supervisor
):
    b1 = world["b"][0]
    pairing_create(actor=team_leader, worker=far_worker, household=b1, channel="t")
    plan = computed(supervisor, areas["county"], capacity=3, continuity_weight=100_000)
    assert not PlanChange.objects.filter(plan=plan, household=b1).exists()
    assert plan.figures["after"]["kept"] == 1


def test_a_plan_is_refused_when_someone_re_paired_meanwhile(
    areas, world, worker_b, team_leader, supervisor
):
    plan = computed(supervisor, areas["county"], capacity=3)
    pairing_create(actor=team_leader, worker=worker_b, household=world["b"][1], channel="t")
    with pytest.raises(ValidationError, match="compute it again"):
        services.plan_apply(actor=supervisor, plan=plan, channel="test")
    assert Pairing.objects.count() == 1  # nothing of the plan was written


def test_a_plan_is_refused_when_twinnings_changed(areas, world, supervisor, unit_worker):
    from doorstep.casework.models import Twinning

    plan = computed(supervisor, areas["county"], capacity=3)
    Twinning.objects.filter(village=areas["village_c"]).update(ended_on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError, match="Twinnings"):
        services.plan_apply(actor=supervisor, plan=plan, channel="test")


def test_team_leader_plans_only_inside_their_area_and_workers_not_at_all(
    areas, world, team_leader, worker_a
):
    with pytest.raises(ValidationError):
        services.plan_create(actor=team_leader, area=areas["county"], channel="t", enqueue=False)
    plan = services.plan_create(
        actor=team_leader, area=areas["township"], channel="t", enqueue=False
    )
    assert plan.compare_greedy
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=worker_a, area=areas["village_a"], channel="t", enqueue=False)


def test_bad_parameters_name_the_field(areas, supervisor):
    with pytest.raises(ValidationError) as err:
        services.plan_create(
            actor=supervisor,
            area=areas["county"],
            capacity=0,
            continuity_weight=-1,
            channel="t",
            enqueue=False,
        )
    assert set(err.value.message_dict) == {"capacity", "continuity_weight"}


def test_the_command_computes_and_applies(areas, world, capsys):
    call_command(
        "pair", "--area", areas["county"].code, "--capacity", "3", "--apply", "--processes", "1"
    )
    out = capsys.readouterr().out
    assert "applied: 0 ended, 5 started" in out
    assert Pairing.objects.active().count() == 5
    with pytest.raises(CommandError):
        call_command("pair", "--area", "nope")


def test_a_failed_solve_marks_the_plan_failed(areas, world, supervisor, monkeypatch):
    from doorstep.pairing import services as svc

    def boom(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(svc, "solve", boom)
    plan = services.plan_create(actor=supervisor, area=areas["county"], channel="t", enqueue=False)
    services.plan_compute(plan_id=plan.pk, processes=1)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FAILED and "exploded" in plan.error
    with pytest.raises(ValidationError):
        services.plan_apply(actor=supervisor, plan=plan, channel="t")


def test_a_plan_carries_its_certificate_on_the_page_the_api_and_the_command(
    areas, world, worker_a, worker_b, supervisor
):
    from io import StringIO

    from django.test import Client

    from doorstep.core.tests.api_clients import ApiClient

    plan = computed(supervisor, areas["county"], capacity=3, compare_greedy=True)
    assert plan.certified_optimal is True and plan.certified_gap == 0
    f = plan.figures
    assert f["certified"] and f["objective"] == f["bound"]
    assert f["greedy_objective"] >= f["objective"] and f["greedy_gap"] >= 0
    body = ApiClient(supervisor).get(f"/api/v1/pairing/plans/{plan.pk}").json()["plan"]
    assert body["certified_optimal"] is True and body["certified_gap"] == 0
    client = Client()
    client.force_login(supervisor)
    html = client.get(f"/pairing/plans/{plan.pk}/").content.decode()
    assert 'id="plan-certificate"' in html and "0 %" in html
    out = StringIO()
    call_command("pair", "--area", areas["county"].code, "--capacity", "3", stdout=out)
    assert "certified optimal on the complete eligible graph" in out.getvalue()


def test_twinned_unit_officials_keep_their_pairings_and_get_the_villages_unpaired_first(
    areas, world, unit_worker, supervisor, team_leader
):
    from django.test import Client

    from doorstep.casework.models import Twinning
    from doorstep.core.testing import make_household

    # Village C (twinned with the unit) has its own worker right beside its
    # households; the unit's official is 10 km away. Household C1 is paired with the
    # official today, C2 is unpaired.
    village_worker = make_user(
        role=Role.WORKER,
        area=areas["village_c"],
        username="c_worker",
        latitude=41.1,
        longitude=80.1,
    )
    c1 = world["c"]
    c2 = make_household(
        area=areas["village_c"], household_no="652901002001-002", latitude=41.1, longitude=80.1
    )
    pairing_create(actor=supervisor, worker=unit_worker, household=c1, channel="t")
    plan = computed(supervisor, areas["county"], capacity=3)
    assert not PlanChange.objects.filter(plan=plan, household=c1).exists()  # kept
    change = PlanChange.objects.get(plan=plan, household=c2)
    assert (change.kind, change.new_worker) == (ChangeKind.ADD, unit_worker)
    assert plan.figures["twinning"] == {
        "kept": 1,
        "unpaired": 1,
        "to_unit": 1,
        "to_others": 0,
        "unserved": 0,
    }
    client = Client()
    client.force_login(supervisor)
    html = client.get(f"/pairing/plans/{plan.pk}/").content.decode()
    assert 'id="plan-twinning"' in html
    # With the official at capacity, the next unpaired household goes to the village.
    c3 = make_household(
        area=areas["village_c"], household_no="652901002001-003", latitude=41.1, longitude=80.1
    )
    # (C2 and C3 live at the same spot: either may be the one.)
    plan = computed(supervisor, areas["county"], capacity=2)
    new = {PlanChange.objects.get(plan=plan, household=h).new_worker for h in (c2, c3)}
    assert new == {unit_worker, village_worker}
    assert plan.figures["twinning"]["to_unit"] == 1
    assert plan.figures["twinning"]["to_others"] == 1
    # Without the twinning the village worker would take everyone (nearest).
    Twinning.objects.all().update(ended_on="2026-02-01")
    plan = computed(supervisor, areas["county"], capacity=3)
    assert PlanChange.objects.get(plan=plan, household=c2).new_worker == village_worker
