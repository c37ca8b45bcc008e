"""Shared by the web benchmarks: gunicorn with production settings and bare baseline routes,
and a load loop that measures a page and its baseline taking turns.

Not a benchmark itself (no ``main()``). The gunicorn it starts runs ``bench._settings``: the
portal's production settings with ``bench._urls`` as the URL conf, which is the portal's own
URLs plus ``/bench/bare/`` (a template view that touches no database) and
``/bench/bare-api/`` (a DRF view with no authentication, throttling or model). Both pass
through the same middleware, in the same processes, as the pages they are compared with.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench._bench_env import REPO

BARE_PAGE = "/bench/bare/"
BARE_API = "/bench/bare-api/"


def start_gunicorn(env: dict[str, str], port: int, **extra: str) -> subprocess.Popen:
    """gunicorn from deploy/gunicorn.conf.py on 127.0.0.1:port, once /healthz answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
        cwd=REPO,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", **extra},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for key, header in response.getheaders():
        if key.lower() == "set-cookie":
            name, _, value = header.split(";", 1)[0].partition("=")
            found[name.strip()] = value.strip()
    return found


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


@dataclass
class Request:
    """One request a client repeats: method, path, headers and body."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: Callable[[int], bytes] | bytes | None = None
    expect: int = 200

    def payload(self, number: int) -> bytes | None:
        return self.body(number) if callable(self.body) else self.body


def _client(port: int, request: Request, stop_at: float, start: threading.Barrier, out: list):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    done, wrong, number = 0, 0, 0
    start.wait()
    while time.perf_counter() < stop_at:
        number += 1
        try:
            conn.request(
                request.method, request.path, body=request.payload(number), headers=request.headers
            )
            answer = conn.getresponse()
            answer.read()
        except (OSError, http.client.HTTPException):
            # gunicorn recycles a worker every GUNICORN_MAX_REQUESTS, closing its keep-alive
            # connections: reconnect, and count only answers.
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        if answer.status == request.expect:
            done += 1
        else:
            wrong += 1
            if wrong == 1:
                out.append(("status", answer.status))
        if answer.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    out.append(("count", done, wrong))


def requests_per_second(
    port: int, requests: list[Request], seconds: float
) -> tuple[float, int, list[int]]:
    """Run one client thread per request (each on its own keep-alive connection) for
    ``seconds``; returns (answers with the expected status per second, wrong answers, and the
    first wrong statuses seen)."""
    start = threading.Barrier(len(requests) + 1)
    out: list = []
    stop_at = time.perf_counter() + seconds + 0.05
    threads = [
        threading.Thread(target=_client, args=(port, r, stop_at, start, out)) for r in requests
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    done = sum(item[1] for item in out if item[0] == "count")
    wrong = sum(item[2] for item in out if item[0] == "count")
    statuses = [item[1] for item in out if item[0] == "status"]
    return done / wall, wrong, statuses


def interleaved_rates(
    port: int,
    loads: dict[str, list[Request]],
    *,
    rounds: int = 4,
    seconds: float = 4.0,
    warmup: float = 2.0,
) -> dict[str, float]:
    """Requests per second of each load, the loads taking turns ``rounds`` times (after one
    warm-up turn each), so the machine's noise falls on all of them alike. Raises if a load
    got an unexpected answer: a ratio of error pages would measure nothing."""
    for name, load in loads.items():
        _rate, wrong, statuses = requests_per_second(port, load, warmup)
        if wrong:
            raise SystemExit(f"{name}: {wrong} unexpected answers during warm-up ({statuses[:5]})")
    totals = {name: 0.0 for name in loads}
    for _ in range(rounds):
        for name, load in loads.items():
            rate, wrong, statuses = requests_per_second(port, load, seconds)
            if wrong:
                raise SystemExit(f"{name}: {wrong} unexpected answers ({statuses[:5]})")
            totals[name] += rate
    return {name: total / rounds for name, total in totals.items()}


def get(path: str, port: int, jar: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie_header(jar)} if jar else {}
    conn.request("GET", path, headers=headers)
    answer = conn.getresponse()
    answer.body = answer.read()
    conn.close()
    return answer


def line(what: str, ratio: float, goal: float, detail: str) -> str:
    met = "MET" if ratio >= goal else "NOT MET"
    return f"{what:<44} ratio {ratio:5.2f}  goal >= {goal:<4} {met:<8} {detail}"
