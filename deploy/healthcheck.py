"""Container health checks: ``python deploy/healthcheck.py web|worker|beat`` exits 0 if healthy.

web: /healthz answers. worker: the worker on this host answers a Celery ping through the
broker. beat: the schedule file was written recently; beat rewrites it at most three minutes
after it last did, whenever it sends a task, and the portal's sweeps run every minute.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.request
from pathlib import Path


def web() -> bool:
    port = os.environ.get("PORT", "8000")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return response.status == 200


def worker() -> bool:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal.celery import app

    replies = app.control.ping(destination=[f"worker@{socket.gethostname()}"], timeout=5)
    return bool(replies)


def beat() -> bool:
    # Where portal.settings puts it: CELERY_BEAT_SCHEDULE_FILENAME under VAR_DIR.
    schedule = Path(os.environ.get("VAR_DIR", "/app/var")) / "celerybeat-schedule"
    max_age = int(os.environ.get("BEAT_HEALTH_MAX_AGE_SECONDS", "600"))
    candidates = [schedule, *schedule.parent.glob(schedule.name + ".*")]
    ages = [time.time() - path.stat().st_mtime for path in candidates if path.exists()]
    return bool(ages) and min(ages) < max_age


CHECKS = {"web": web, "worker": worker, "beat": beat}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(CHECKS)}")
    try:
        healthy = CHECKS[sys.argv[1]]()
    except Exception as exc:
        print(f"{sys.argv[1]} unhealthy: {exc}", file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if healthy else 1)
