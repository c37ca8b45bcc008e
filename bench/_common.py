"""What every benchmark shares: its own database, Django set up against it, timing helpers."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "rma_bench_perf")
SERVER_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def setup_django() -> None:
    """Point Django at the benchmark's own database (created empty, then migrated) once."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{BENCH_DATABASE}"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="rma-bench-"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    recreate_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def recreate_database() -> None:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER_URL}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    connection.close()


def timed_ms(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def interleaved_medians(
    calls: dict[str, Callable[[], object]], *, rounds: int, warmup: int = 2
) -> dict[str, float]:
    """Median milliseconds of each call, the calls taking turns so noise hits them alike."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            samples[name].append(timed_ms(call))
    return {name: statistics.median(values) for name, values in samples.items()}


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def report(what: str, ratio: float, goal: str, met: bool, detail: str = "") -> None:
    print(f"{what:<58} ratio {ratio:8.2f}  goal {goal:<8} {verdict(met):<8} {detail}", flush=True)
