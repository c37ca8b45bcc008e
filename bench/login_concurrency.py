"""Customers signing in (REO-2) against gunicorn on loopback: a crowd's latency, and the
sustained throughput of sign-ins against the bare template view.

Builds its own database (rma_bench_login) with 200 proposed solutions and starts gunicorn with
deploy/gunicorn.conf.py and production settings. Then:

- the crowd, ROUNDS times: 200 clients fetch the login page, then release their password POSTs
  together; p50 and p99 over every round's answers (goal: every login within a second);
- the ratio: CLIENTS keep-alive clients each post their solution's password again and again
  (each answer a new signed-in session), taking turns with the same clients fetching
  ``/bench/bare/`` for SECONDS at a time, ROUNDS times (``bench._web.interleaved_rates``, as
  the page benchmarks do), so the machine's noise falls on both alike.

Prints e.g.
``login crowd of 200 at once, 4 rounds: p50 120 ms, p99 300 ms, 0 failed  MET``
``login sign-ins vs bare page                 ratio  0.35  goal >= 0.3  MET  ...``
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
from bench._web import BARE_PAGE, Request, interleaved_rates, line, start_gunicorn

DB = bench_db("login")
CUSTOMERS = 200
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
GOAL = 0.3
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


def sign_in_request(port: int, path: str, password: str) -> Request:
    """The password POST of one solution, with the login page's CSRF cookie and token; it can
    be sent again and again (each answer signs in a new session)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    page = conn.getresponse()
    token = CSRF.search(page.read().decode()).group(1)
    cookie = _cookies(page)
    conn.close()
    return Request(
        "POST",
        path,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        f"csrfmiddlewaretoken={token}&password={password}".encode(),
        expect=302,
    )


def main() -> None:
    env = portal_env(DB, DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"))
    recreate_database(DB)
    process = None
    try:
        cases = build_solutions(env)
        port = free_port()
        # bench._settings adds /bench/bare/, the bare template view the pages are compared with.
        process = start_gunicorn({**env, "DJANGO_SETTINGS_MODULE": "bench._settings"}, port)
        times, failed, rates = [], 0, []
        for _ in range(ROUNDS):
            logins, wall = crowd(sign_in, lambda i: (port, *cases[i]))
            times += [t * 1000 for t, status in logins if status == 302]
            failed += sum(1 for _t, status in logins if status != 302)
            rates.append(sum(1 for _t, status in logins if status == 302) / wall)
        p50, p99 = median(times), percentile(times, 99)
        met = "MET" if failed == 0 and p99 < 1000 else "NOT MET"
        print(
            f"login crowd of {CUSTOMERS} at once, {ROUNDS} rounds: p50 {p50:.0f} ms, "
            f"p99 {p99:.0f} ms, {median(rates):.0f} logins/s, {failed} failed "
            f"(goal: every login within a second)  {met}",
            flush=True,
        )
        rates = interleaved_rates(
            port,
            {
                "bare": [Request("GET", BARE_PAGE) for _ in range(CLIENTS)],
                "login": [sign_in_request(port, *cases[i]) for i in range(CLIENTS)],
            },
            rounds=ROUNDS,
            seconds=SECONDS,
        )
        ratio = rates["login"] / rates["bare"]
        print(
            line(
                "login sign-ins vs bare page",
                ratio,
                GOAL,
                f"{rates['login']:.0f} vs {rates['bare']:.0f} req/s, {CLIENTS} clients",
            ),
            flush=True,
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
