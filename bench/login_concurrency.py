"""200 customers sign in at once (REO-2) against gunicorn on loopback; p50 and p99.

Builds its own database (rma_bench_login) with 200 proposed solutions, starts gunicorn with
deploy/gunicorn.conf.py and production settings, lets 200 clients fetch the login page, then
releases their password POSTs together. The baseline, measured in the same run right after,
is the same 200 clients against /healthz (answered by middleware, no database): how close a
login comes to the cheapest request the server answers.

Prints e.g. ``login_200_concurrent: p50 120 ms, p99 300 ms (goal: milliseconds of CPU) MET``.
"""

from __future__ import annotations

import http.client
import os
import re
import threading
import time

from bench._bench_env import (
    bench_db,
    drop_database,
    free_port,
    median,
    percentile,
    portal_env,
    recreate_database,
    setup_django,
)
from bench._web import start_gunicorn

DB = bench_db("login")
CUSTOMERS = 200
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def build_solutions(env: dict[str, str]) -> list[tuple[str, str]]:
    """(login path, password) of CUSTOMERS solutions of one vendor, made by the services."""
    setup_django(env)
    from django.core.management import call_command
    from django_scopes import scope

    from rma import services
    from rma.services import Actor
    from rma.services.solutions import ProposedLine
    from tests.factories import OrderLineFactory, VendorFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    vendor = VendorFactory(slug="bench", name="Bench", policy_key="reolink")
    cases = []
    with scope(vendor=vendor):
        for _ in range(CUSTOMERS):
            line = OrderLineFactory(order__vendor=vendor, vendor=vendor)
            solution, password = services.solution_create(
                order=line.order,
                kind="replacement",
                lines=[ProposedLine(line, line.sku, line.name, 1)],
                actor=Actor.system("bench"),
                notify=False,
            )
            cases.append((f"/v/bench/solutions/{solution.public_id}/", password))
    return cases


def _cookies(response) -> str:
    jar = [h.split(";", 1)[0] for k, h in response.getheaders() if k.lower() == "set-cookie"]
    return "; ".join(jar)


def sign_in(port: int, path: str, password: str, start: threading.Barrier, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    page = conn.getresponse()
    found = CSRF.search(page.read().decode())
    if found is None:
        start.wait()
        out.append((0.0, page.status))
        return
    token, cookie = found.group(1), _cookies(page)
    body = f"csrfmiddlewaretoken={token}&password={password}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    start.wait()
    began = time.perf_counter()
    conn.request("POST", path, body=body, headers=headers)
    answer = conn.getresponse()
    answer.read()
    out.append((time.perf_counter() - began, answer.status))
    conn.close()


def probe(port: int, path: str, start: threading.Barrier, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start.wait()
    began = time.perf_counter()
    conn.request("GET", path)
    answer = conn.getresponse()
    answer.read()
    out.append((time.perf_counter() - began, answer.status))
    conn.close()


def crowd(target, args_for) -> tuple[list[tuple[float, int]], float]:
    start = threading.Barrier(CUSTOMERS + 1)
    out: list[tuple[float, int]] = []
    threads = [
        threading.Thread(target=target, args=(*args_for(i), start, out)) for i in range(CUSTOMERS)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return out, time.perf_counter() - began


def main() -> None:
    # Persistent connections are the production default being set by issue 14 (perf).
    env = portal_env(DB, DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"))
    recreate_database(DB)
    process = None
    try:
        cases = build_solutions(env)
        port = free_port()
        # bench._settings adds /bench/bare/, the bare template view the pages are compared with.
        process = start_gunicorn({**env, "DJANGO_SETTINGS_MODULE": "bench._settings"}, port)
        logins, login_wall = crowd(sign_in, lambda i: (port, *cases[i]))
        probes, probe_wall = crowd(probe, lambda i: (port, "/healthz"))
        bares, bare_wall = crowd(probe, lambda i: (port, "/bench/bare/"))
        ok = [t for t, status in logins if status == 302]
        failed = len(logins) - len(ok)
        times = [t * 1000 for t, _s in logins]
        base = [t * 1000 for t, _s in probes]
        p50, p99 = median(times), percentile(times, 99)
        met = "MET" if failed == 0 and p50 < 1000 else "NOT MET"
        print(
            f"login_200_concurrent: p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
            f"{len(ok) / login_wall:.0f} logins/s, {failed} failed "
            f"(goal: milliseconds of CPU, every login within a second) {met}"
        )
        ratio = (len(ok) / login_wall) / (len(probes) / probe_wall)
        print(
            f"login_vs_healthz_200_concurrent: healthz p50 {median(base):.0f} ms, "
            f"p99 {percentile(base, 99):.0f} ms; login throughput {ratio:.2f}x healthz "
            f"(goal: >= 0.3x) {'MET' if ratio >= 0.3 else 'NOT MET'}"
        )
        bare = [t * 1000 for t, _s in bares]
        ratio = (len(ok) / login_wall) / (len(bares) / bare_wall)
        print(
            f"login_vs_bare_view_200_concurrent: bare template view p50 {median(bare):.0f} ms, "
            f"p99 {percentile(bare, 99):.0f} ms; login throughput {ratio:.2f}x the bare view "
            f"(goal: >= 0.3x) {'MET' if ratio >= 0.3 else 'NOT MET'}"
        )
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main()
