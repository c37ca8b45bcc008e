"""A Redis cache that degrades to this process's memory when Redis is down or hung.

Redis holds only what the portal can lose: rate-limit counters and lockouts. With Redis
gone (connection refused) or frozen (no answer within ``socket_timeout``), every call is
answered by an in-process cache instead, and Redis is left alone for ``retry_seconds``, so a
request pays the timeout at most once per process and pause, never once per call.

Neither Django's ``RedisCache`` nor django-redis has this: django-redis's IGNORE_EXCEPTIONS
waits the full socket timeout on every call and turns counters into ``None``. Sessions do not
use the cache at all (settings.SESSION_ENGINE): a session changed while Redis was away would
come back stale from Redis afterwards, and sign-outs must not be undone.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every cache call (a tenth of a
    millisecond each, two or three calls a sign-in); one per connection pool is enough:
    ``redis.Redis`` is thread-safe, and its pool reconnects after a failure or a fork."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django's pools, kept for the process
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    """``RedisCache`` with a circuit breaker and an in-process fallback.

    OPTIONS: ``retry_seconds`` (how long to skip Redis after a failure, default 5) and
    redis-py's ``socket_timeout`` / ``socket_connect_timeout`` (settings keep them short).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = SharedClientRedisCacheClient
        self._fallback = LocMemCache(
            f"resilient-fallback-{id(self)}", {"TIMEOUT": self.default_timeout}
        )
        self._down_until = 0.0
        self._lock = threading.Lock()

    # -- the breaker ------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether calls go to Redis now (False for ``retry_seconds`` after a failure)."""
        return time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            first = self.available
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning(
                "Redis cache unavailable (%s: %s); using per-process counters for %ss",
                type(exc).__name__,
                exc,
                self.retry_seconds,
            )

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        import redis

        if self.available:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
                self._failed(exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    # -- the cache API ----------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
