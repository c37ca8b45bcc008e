"""Per-key rate limits: a fixed-window counter per API key in the cache (Redis in production)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle

from .models import ApiKey

WINDOW_SECONDS = 60
COUNTER_TIMEOUT = WINDOW_SECONDS * 2


def requests_per_minute() -> int:
    return int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 300))


class ApiKeyRateThrottle(BaseThrottle):
    """INCR on ``api-rate:<prefix>:<window>``, which Redis does atomically across processes."""

    def __init__(self) -> None:
        self._wait = 0.0

    def allow_request(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        cache = caches[getattr(settings, "API_RATE_LIMIT_CACHE", "default")]
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        # The prefix is random, so a test database's reused primary keys never share a counter.
        count = _count(cache, f"api-rate:{api_key.prefix}:{window}")
        if count <= requests_per_minute():
            return True
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return False

    def wait(self) -> float:
        return max(1.0, self._wait)


def _count(cache, cache_key: str) -> int:
    """The window's count with this request in it.

    On Redis, one round trip: ``SET NX EX`` and ``INCR`` in one MULTI (the cache API's ``add``
    and ``incr`` take three: SET, EXISTS and INCRBY, on every API request). Any other cache, a
    Redis that fails, or one whose breaker is open (``portal.cache``) takes the cache API,
    which falls back to this process's memory.
    """
    if isinstance(cache, RedisCache) and getattr(cache, "available", True):
        import redis

        key = cache.make_and_validate_key(cache_key)
        try:
            pipe = cache._cache.get_client(key, write=True).pipeline(transaction=True)
            pipe.set(key, 0, ex=COUNTER_TIMEOUT, nx=True)
            pipe.incr(key)
            return int(pipe.execute()[1])
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            pass  # the cache API below meets the failure too, and opens the breaker
    cache.add(cache_key, 0, timeout=COUNTER_TIMEOUT)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=COUNTER_TIMEOUT)
        return 1
