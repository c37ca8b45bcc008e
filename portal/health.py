"""Health endpoints for orchestrators: ``/healthz`` (process alive), ``/readyz`` (dependencies).

They are answered by a middleware at the top of the stack rather than by URL routes: probes
arrive over plain HTTP with the pod's address as Host, so they must not meet the HTTPS redirect
or the ALLOWED_HOSTS check, and a liveness probe should not touch sessions or the database.
Readiness reports only "ok"/"unavailable" per dependency; the reason is logged, never returned.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import redis
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATHS = {"/healthz", "/readyz"}
_TIMEOUT_SECONDS = 3


def check_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A broken connection would otherwise be reused by the next probe in this thread.
        connection.close()
        raise


def redis_urls() -> list[str]:
    """Every Redis the portal depends on: cache and sessions, and the Celery broker."""
    urls = [settings.REDIS_URL] if settings.REDIS_URL else []
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")) and broker not in urls:
        urls.append(broker)
    return urls


def check_redis() -> None:
    for url in redis_urls():
        client = redis.Redis.from_url(
            url, socket_connect_timeout=_TIMEOUT_SECONDS, socket_timeout=_TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()


def check_storage() -> None:
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        location = Path(storage.location)
        location.mkdir(parents=True, exist_ok=True)
        if not os.access(location, os.W_OK):
            raise PermissionError(f"{location} is not writable")
        return
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        storage.connection.meta.client.head_bucket(Bucket=bucket)
    else:
        storage.exists("readyz-probe")


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
}


def readiness() -> dict[str, bool]:
    """Run every readiness check; True where the dependency answered."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        if name == "redis" and not redis_urls():
            continue
        try:
            check()
        except Exception as exc:
            logger.warning("readiness check %s failed: %s", name, exc.__class__.__name__)
            results[name] = False
        else:
            results[name] = True
    return results


def healthz(request: HttpRequest) -> HttpResponse:
    return _no_store(JsonResponse({"status": "ok"}))


# Redis is an optimisation (rate-limit counters, the broker hand-over): while it is away the
# portal keeps serving and the outbox sweep hands emails over once it is back, so taking web
# pods out of rotation would turn a degraded portal into a down one. It is reported, not
# required.
OPTIONAL_CHECKS = frozenset({"redis"})


def readyz(request: HttpRequest) -> HttpResponse:
    results = readiness()
    ready = all(ok for name, ok in results.items() if name not in OPTIONAL_CHECKS)
    degraded = ready and not all(results.values())
    body = {
        "status": "degraded" if degraded else "ok" if ready else "unavailable",
        "checks": {
            name: "ok" if ok else "degraded" if name in OPTIONAL_CHECKS else "unavailable"
            for name, ok in results.items()
        },
    }
    return _no_store(JsonResponse(body, status=200 if ready else 503))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers the two probe paths before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path not in HEALTH_PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return healthz(request) if path == "/healthz" else readyz(request)
