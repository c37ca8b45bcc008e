"""Fault tests: a Redis of their own that they kill and freeze, a real Celery worker, a real
SMTP server that can pause a conversation at any point. Each starts on a free port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import kombu.pools
import pytest
import redis

from tests.notifications.conftest import (  # noqa: F401  (fixtures shared with the outbox tests)
    celery_app,
    free_port,
    smtp,
    wait_for,
)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "faults: breaks a service the portal depends on")


class RedisProcess:
    """A redis-server on its own port, without persistence: a kill loses what it held."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if not self.binary:
            pytest.fail("The fault tests need redis-server (apt-get install redis-server).")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(answers, timeout=10, what=f"redis-server on port {self.port}")
        client.close()

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(5)

    @contextmanager
    def frozen(self):
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(5)


@pytest.fixture
def own_redis():
    server = RedisProcess()
    server.start()
    yield server
    server.stop()


def reset_broker_pools(app) -> None:
    """Forget pooled broker connections (kombu's registry and the app's own)."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def portal_on_own_redis(own_redis, settings):
    """Cache, rate limits and the Celery broker all on the test's Redis, as in production."""
    from portal.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": own_redis.url(0),
            "OPTIONS": {
                "socket_timeout": settings.CACHE_SOCKET_TIMEOUT,
                "socket_connect_timeout": settings.CACHE_SOCKET_TIMEOUT,
                "retry_seconds": 1,
            },
        }
    }
    settings.OUTBOX_PUBLISH_RETRY_SECONDS = 1
    original = app.conf.broker_url
    reset_broker_pools(app)
    app.conf.broker_url = own_redis.url(1)
    yield own_redis
    reset_broker_pools(app)
    app.conf.broker_url = original


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started
