"""core.periodic: registered tasks are enqueued when their time comes, once."""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from doorstep.core import periodic
from doorstep.core.models import PeriodicRun

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(periodic, "_REGISTRY", {})
    ticks, nights = mock.Mock(), mock.Mock()
    periodic.register("test.tick", ticks, every=dt.timedelta(minutes=5))
    periodic.register("test.nightly", nights, daily_at_hour=2)
    return ticks, nights


def test_a_task_is_enqueued_once_per_interval(registry):
    ticks, _nights = registry
    assert "test.tick" in periodic.enqueue_due(now=T0)
    assert "test.tick" not in periodic.enqueue_due(now=T0 + dt.timedelta(minutes=4))
    assert "test.tick" in periodic.enqueue_due(now=T0 + dt.timedelta(minutes=5))
    assert ticks.enqueue.call_count == 2


def test_a_second_runner_at_the_same_moment_enqueues_nothing(registry):
    ticks, nights = registry
    first = periodic.enqueue_due(now=T0)
    second = periodic.enqueue_due(now=T0)
    assert sorted(first) == ["test.nightly", "test.tick"] and second == []
    assert ticks.enqueue.call_count == 1 and nights.enqueue.call_count == 1


def test_a_daily_task_runs_once_a_day_after_its_hour(registry):
    _ticks, nights = registry
    tz = timezone.get_current_timezone()
    one_am = dt.datetime(2026, 3, 2, 1, 0, tzinfo=tz)
    assert "test.nightly" not in periodic.enqueue_due(now=one_am)  # never ran, not yet 02:00
    assert "test.nightly" in periodic.enqueue_due(now=one_am + dt.timedelta(hours=2))
    assert "test.nightly" not in periodic.enqueue_due(now=one_am + dt.timedelta(hours=20))
    assert "test.nightly" in periodic.enqueue_due(now=one_am + dt.timedelta(hours=25))
    assert nights.enqueue.call_count == 2


def test_a_failed_enqueue_leaves_the_claim_for_the_next_check(registry):
    ticks, _nights = registry
    ticks.enqueue.side_effect = RuntimeError("queue down")
    with pytest.raises(RuntimeError):
        periodic.enqueue_due(now=T0)
    assert PeriodicRun.objects.get(name="test.tick").last_enqueued_at is None


def test_registration_refuses_an_ambiguous_schedule():
    with pytest.raises(ValueError):
        periodic.register("x", mock.Mock())
    with pytest.raises(ValueError):
        periodic.register("x", mock.Mock(), every=dt.timedelta(1), daily_at_hour=3)


def test_casework_registers_escalation_every_five_minutes():
    names = {p.name: p for p in periodic.registered()}
    assert names["casework.escalate_breached_needs"].every == dt.timedelta(minutes=5)


def test_run_periodic_once_enqueues_and_exits(capsys):
    call_command("run_periodic", "--once")
    assert "enqueued casework.escalate_breached_needs" in capsys.readouterr().out
