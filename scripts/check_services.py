"""Fail fast, with the command that fixes it, when PostgreSQL or Redis does not answer."""

from __future__ import annotations

import sys

import psycopg2
import redis

START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def main(database_url: str, redis_url: str) -> int:
    failures = []
    try:
        # The test database itself is created by pytest-django; the server's "postgres"
        # database proves the server answers.
        dsn = database_url.rsplit("/", 1)[0] + "/postgres"
        psycopg2.connect(dsn, connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        failures.append(
            f"PostgreSQL at {database_url} does not answer ({exc}).\n"
            f"  Start it with: {START_POSTGRES}"
        )
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        failures.append(
            f"Redis at {redis_url} does not answer ({exc}).\n  Start it with: {START_REDIS}"
        )
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
