"""Housekeeping of idempotency keys: rows older than 48 hours go in one DELETE."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from doorstep.core import periodic
from doorstep.core.models import IdempotencyKey
from doorstep.core.tasks import idempotency_keys_delete_expired

pytestmark = pytest.mark.django_db


def key(user, *, hours_old: float) -> IdempotencyKey:
    row = IdempotencyKey.objects.create(
        user=user, key=uuid.uuid4(), endpoint="POST /api/v1/households", request_digest="0" * 64
    )
    IdempotencyKey.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours_old)
    )
    return row


def test_keys_older_than_48_hours_are_deleted_in_one_statement(worker_a, django_assert_num_queries):
    old = [key(worker_a, hours_old=49), key(worker_a, hours_old=24 * 30)]
    recent = key(worker_a, hours_old=47)

    with django_assert_num_queries(1):
        deleted = idempotency_keys_delete_expired.call()

    assert deleted == 2
    assert not IdempotencyKey.objects.filter(pk__in=[k.pk for k in old]).exists()
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_cleanup_runs_through_the_task_queue():
    result = idempotency_keys_delete_expired.enqueue()  # immediate backend in tests
    assert result.return_value == 0


def test_the_cleanup_is_registered_as_a_periodic_task():
    names = [p.name for p in periodic.registered()]
    assert "core.idempotency_keys_delete_expired" in names
