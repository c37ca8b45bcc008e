"""gunicorn settings for the web container: sized from the CPUs it may use, logs as JSON lines.

Every value can be overridden from the environment (GUNICORN_*), e.g. to fit a memory limit.
"""

from __future__ import annotations

import os


def _cpus() -> int:
    # The CPUs this process may run on (a container's cpuset), not the host's count.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "") or f"0.0.0.0:{_int('PORT', 8000)}"

# Threads let one worker wait on the database, S3 or a slow client while others run; processes
# use the cores. One process a core plus one keeps a CPU busy while another waits on I/O.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", _cpus() + 1)
threads = _int("GUNICORN_THREADS", 4)

# A request longer than this is a bug or an attack; evidence uploads are a few MB a file.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a load balancer's idle timeout (60 s on most), or it reuses closed sockets: 502s.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Recycle workers now and then, staggered, so slow leaks never reach the memory limit.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The application is imported once, in the master, and every worker is a fork of it: a worker
# recycled after max_requests starts at once instead of importing Django again (about a second
# of CPU each time; at a thousand requests a second that was a third of a 2-core machine).
# GUNICORN_PRELOAD=0 imports in each worker instead (e.g. for `kill -HUP` to load new code).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in ("0", "false", "no")


def when_ready(server) -> None:
    """In the master, before the first fork: warm what every worker would otherwise build on
    its first requests (the URL resolver, each language's catalogue, the compiled templates),
    so a fresh or recycled worker starts as fast as an old one; and close any database
    connection, which must never reach a worker (two processes on one connection corrupt it)."""
    if preload_app:
        from portal.warm import warm_process

        warm_process()


# The heartbeat file on tmpfs: a container's overlay filesystem can stall and kill workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only the load balancer talks to this port; trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
# Headers are bounded here; bodies by portal.security.RequestSizeLimitMiddleware, per path.
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The same JSON lines as the application (portal.logging), request id included.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "portal.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}
