"""Shared by the resilience benchmarks: a database of their own, a free port, a Django setup.

Not a benchmark itself (no ``main()``).
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
# Two people benchmarking on one PostgreSQL server give their databases different prefixes.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "rma_bench")


def bench_db(name: str) -> str:
    """This benchmark's own database name, e.g. rma_bench_email."""
    return f"{DB_PREFIX}_{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(name: str) -> str:
    import psycopg2

    admin = psycopg2.connect(SERVER_URL)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return database_url(name)


def drop_database(name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(SERVER_URL)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def portal_env(db_name: str, **extra: str) -> dict[str, str]:
    """Production settings on loopback (plain HTTP), this benchmark's database and Redis DB."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(db_name),
        "REDIS_URL": REDIS,
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        "VAR_DIR": str(REPO / "var" / f"bench-{db_name}"),
        "STATIC_ROOT": str(REPO / "var" / f"bench-{db_name}" / "static"),
        **extra,
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values)
