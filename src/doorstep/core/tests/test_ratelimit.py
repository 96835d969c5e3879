"""API rate limits per caller and per address: 429 with Retry-After and the API's
error shape, counted in the database or a shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from doorstep.accounts.models import RateCounter
from doorstep.core import ratelimit
from doorstep.core.tests.api_clients import ApiClient, assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "cache"])
def backend(request, settings):
    settings.DOORSTEP_API_RATE_BACKEND = request.param
    settings.DOORSTEP_API_RATE_WINDOW_SECONDS = 3600
    settings.DOORSTEP_API_RATE_PER_CALLER = 5
    settings.DOORSTEP_API_RATE_PER_IP = 8
    cache.clear()
    yield request.param
    cache.clear()


def test_a_caller_over_its_limit_gets_429_with_retry_after(backend, worker_a):
    api = ApiClient(worker_a)
    for _ in range(5):
        assert api.get("/api/v1/me").status_code == 200
    response = api.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(response, 429)
    assert "Too many requests" in body["detail"]
    assert 1 <= int(response["Retry-After"]) <= 3600


def test_each_token_has_its_own_count(backend, worker_a, worker_b):
    first, second = ApiClient(worker_a), ApiClient(worker_b)
    for _ in range(5):
        first.get("/api/v1/me")
    assert first.get("/api/v1/me").status_code == 429
    assert second.get("/api/v1/me").status_code == 200


def test_a_signed_in_session_is_counted_per_user(backend, worker_a):
    api = ApiClient(worker_a, token=False)
    for _ in range(5):
        assert api.get("/api/v1/me").status_code == 200
    assert api.get("/api/v1/me").status_code == 429


def test_one_address_is_limited_whoever_calls(backend, worker_a, worker_b, team_leader):
    clients = [ApiClient(u, REMOTE_ADDR="10.1.1.1") for u in (worker_a, worker_b, team_leader)]
    statuses = [clients[n % 3].get("/api/v1/me").status_code for n in range(9)]
    assert statuses == [200] * 8 + [429]
    assert ApiClient(worker_a, REMOTE_ADDR="10.1.1.2").get("/api/v1/me").status_code == 200


def test_anonymous_callers_are_limited_by_address(backend):
    client = Client(REMOTE_ADDR="10.2.2.2")
    statuses = [client.get("/api/v1/me").status_code for _ in range(9)]
    assert statuses == [401] * 8 + [429]


def test_pages_are_not_rate_limited(backend, client, worker_a):
    client.force_login(worker_a)
    assert all(client.get("/households/").status_code == 200 for _ in range(10))


def test_zero_turns_a_limit_off(backend, settings, worker_a):
    settings.DOORSTEP_API_RATE_PER_CALLER = 0
    settings.DOORSTEP_API_RATE_PER_IP = 0
    api = ApiClient(worker_a)
    assert all(api.get("/api/v1/me").status_code == 200 for _ in range(10))


def test_the_proxy_header_names_the_address_when_configured(settings, rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9", REMOTE_ADDR="127.0.0.1")
    assert ratelimit.client_ip(request) == "127.0.0.1"
    settings.DOORSTEP_CLIENT_IP_HEADER = "X-Forwarded-For"
    assert ratelimit.client_ip(request) == "10.0.0.9"


def test_the_database_backend_keeps_one_row_per_key_and_window(settings):
    settings.DOORSTEP_API_RATE_BACKEND = "database"
    for _ in range(3):
        counts, retry = ratelimit.count(["ip:a", "user:1"], window=60, now=1_000_000.0)
    assert counts == {"ip:a": 3, "user:1": 3}
    assert retry == 20  # 1_000_000 is 40 s into its minute
    assert RateCounter.objects.count() == 2
    counts, _ = ratelimit.count(["ip:a"], window=60, now=1_000_020.0)
    assert counts == {"ip:a": 1}


def test_the_cache_backend_counts_in_redis_when_it_is_there(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from django.core.cache.backends.redis import RedisCache

    shared = RedisCache("redis://127.0.0.1:6379/15", {})
    shared.clear()
    settings.DOORSTEP_API_RATE_BACKEND = "cache"
    original = ratelimit.cache
    ratelimit.cache = shared
    try:
        for _ in range(4):
            counts, _ = ratelimit.count(["tok:x"], window=60, now=2_000_000.0)
        assert counts == {"tok:x": 4}
        assert shared.get("doorstep:rate:tok:x:1999980") == 4
    finally:
        ratelimit.cache = original
        shared.clear()


@pytest.mark.django_db(transaction=True)
def test_counts_commit_without_waiting_for_the_disk_only_in_their_own_transaction():
    # docs/decisions/0005: the counter's own commit is asynchronous on PostgreSQL; a
    # caller's transaction never is.
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from doorstep.core import ratelimit

    with CaptureQueriesContext(connection) as alone:
        counts, _ = ratelimit.count(["ip:192.0.2.1"], window=60, now=1_000_000)
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        ratelimit.count(["ip:192.0.2.1"], window=60, now=1_000_000)
    relaxed = ["synchronous_commit" in q["sql"] for q in alone.captured_queries]
    assert counts == {"ip:192.0.2.1": 1}
    assert any(relaxed) == (connection.vendor == "postgresql")
    assert not any("synchronous_commit" in q["sql"] for q in inside.captured_queries)
