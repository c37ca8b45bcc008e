"""Settings for the test suite: the portal's own settings, made safe and quick for parallel runs.

pytest-xdist runs the suite in several worker processes at once. pytest-django already gives
each worker its own database (``test_<name>_gw0``, ``test_<name>_gw1``); this module gives each
its own Redis database (cache, sessions, Celery broker) and its own var/ folder, derived from
the worker id, before the portal's settings read the environment. Passwords are hashed with a
fast hasher: the factories and the login tests hash hundreds of them, and PBKDF2's work factor
is a property of production, not of what the tests check.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The number of Redis databases a stock server has (redis.conf "databases 16").
REDIS_DATABASES = 16


def worker_index() -> int:
    """0 for a run without xdist and for worker gw0, 1 for gw1, and so on."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    match = re.fullmatch(r"gw(\d+)", worker)
    return int(match.group(1)) if match else 0


def redis_url_for_worker(url: str, index: int) -> str:
    """The URL's database number plus the worker's index: worker N of base /14 uses /14+N."""
    match = re.fullmatch(r"(rediss?://[^/]*)(?:/(\d*))?(\?.*)?", url)
    if not match:
        raise ImproperlyConfigured(f"REDIS_URL {url!r} is not a redis:// URL.")
    base, number, query = match.group(1), match.group(2) or "0", match.group(3) or ""
    database = int(number) + index
    if database >= REDIS_DATABASES:
        raise ImproperlyConfigured(
            f"Test worker {index} would use Redis database {database} (REDIS_URL {url}); "
            f"pick a lower database number or fewer workers (pytest -n)."
        )
    return f"{base}/{database}{query}"


_index = worker_index()
# Processes a test starts (a Celery worker) inherit the derived environment: derive it once.
if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("PORTAL_TEST_WORKER_ENV"):
    os.environ["PORTAL_TEST_WORKER_ENV"] = os.environ["PYTEST_XDIST_WORKER"]
    for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(_name):
            os.environ[_name] = redis_url_for_worker(os.environ[_name], _index)
    os.environ.setdefault(
        "VAR_DIR",
        str(Path(__file__).resolve().parent.parent / "var" / f"pytest-gw{_index}"),
    )

from portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
