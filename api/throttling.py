"""Per-key rate limits: a fixed-window counter per API key in the cache (Redis in production)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

from .models import ApiKey

WINDOW_SECONDS = 60


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
        cache_key = f"api-rate:{api_key.prefix}:{window}"
        cache.add(cache_key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        if count <= requests_per_minute():
            return True
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return False

    def wait(self) -> float:
        return max(1.0, self._wait)
