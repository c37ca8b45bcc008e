"""Per-key rate limits in Redis: 429 with Retry-After, one key's burst leaves others alone."""

from __future__ import annotations

import redis

from .factories import client_with, key_for
from .test_keys_and_errors import assert_error


def test_limit_answers_429_with_retry_after_per_key(settings, vendor_a, api_a, clear_cache):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert api_a.get("/api/v1/orders/").status_code == 200
    limited = api_a.get("/api/v1/orders/")
    assert_error(limited, 429, "rate_limited")
    assert 1 <= int(limited["Retry-After"]) <= 60
    other_key = client_with(key_for(vendor_a, "Second integration")[1])
    assert other_key.get("/api/v1/orders/").status_code == 200


def test_counter_lives_in_redis(settings, vendor_a, key_a, api_a, clear_cache):
    """Every web process sees the same count, because Redis holds it."""
    settings.API_RATE_LIMIT_PER_MINUTE = 100
    api_a.get("/api/v1/orders/")
    api_a.get("/api/v1/orders/")
    server = redis.Redis.from_url(settings.REDIS_URL)
    counters = server.keys(f"*api-rate:{key_a[0].prefix}:*")
    assert len(counters) == 1
    assert int(server.get(counters[0])) == 2
    assert 0 < server.ttl(counters[0]) <= 120
