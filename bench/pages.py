"""Signed-in customer pages against a bare template view in the same gunicorn.

Builds its own database (<BENCH_DB_PREFIX>_pages): a warranty solution of a vendor with the
warranty-solution policy, and a marketplace return with two photos. Starts gunicorn
(deploy/gunicorn.conf.py, production settings, persistent connections), signs each client in
the way a customer does (the solution's password; the order's emailed link), then measures
requests per second of each page and of ``/bench/bare/`` (a template view with no database or
session) taking turns, with CLIENTS keep-alive clients each.

Prints e.g.
``pages solution content vs bare page          ratio  0.52  goal >= 0.5  MET  120 vs 231 req/s``
"""

from __future__ import annotations

import http.client
import io
import os
import re
from datetime import timedelta
from decimal import Decimal

from bench._bench_env import (
    bench_db,
    drop_database,
    free_port,
    portal_env,
    recreate_database,
    setup_django,
)
from bench._web import (
    BARE_PAGE,
    Request,
    cookie_header,
    cookies_of,
    interleaved_rates,
    line,
    start_gunicorn,
    stop_gunicorn,
)

DB = bench_db("pages")
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
GOAL = 0.5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def build_cases() -> dict[str, object]:
    """A proposed solution (login path, password) and a marketplace return (its link token)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone
    from django_scopes import scope

    from rma import services
    from rma.services import Actor
    from rma.services.access import return_access_request
    from rma.services.solutions import ProposedLine
    from tests.factories import OrderLineFactory, VendorFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    reolink = VendorFactory(slug="bench", name="Bench", policy_key="reolink")
    with scope(vendor=reolink):
        order_line = OrderLineFactory(order__vendor=reolink, vendor=reolink)
        solution, password = services.solution_create(
            order=order_line.order,
            kind="replacement",
            lines=[ProposedLine(order_line, order_line.sku, order_line.name, 1, Decimal("120"))],
            actor=Actor.system("bench"),
            return_required=True,
            notify=False,
        )
    market = VendorFactory(slug="market", name="Market", policy_key="marketplace", time_zone="UTC")
    now = timezone.now()
    with scope(vendor=market):
        order_line = OrderLineFactory(
            order__vendor=market,
            order__placed_at=now - timedelta(days=5),
            order__shipped_at=now - timedelta(days=4),
            order__delivered_at=now - timedelta(days=3),
            vendor=market,
            unit_price=Decimal("120.00"),
        )
        order = order_line.order
        customer = Actor.customer(order.customer.email)
        rr = services.return_create(
            order=order,
            scenario="quality_defect",
            lines=[(order_line, 1)],
            actor=customer,
            reason="Does not power on",
        )
        for number in range(2):
            services.evidence_add(
                return_request=rr,
                kind="photo",
                upload=SimpleUploadedFile(
                    f"photo{number}.png", _png((number * 90, 30, 60)), "image/png"
                ),
                actor=customer,
            )
        access, _password = return_access_request(
            vendor=market, order_number=order.number, email=order.customer.email
        )
    return {
        "solution": (f"/v/bench/solutions/{solution.public_id}/", password),
        "return": (f"/v/market/access/{access.token}/", f"/v/market/returns/{rr.public_id}/"),
    }


def _exchange(port: int, method: str, path: str, jar: dict, body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie_header(jar)} if jar else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    text = answer.read().decode()
    jar.update(cookies_of(answer))
    conn.close()
    return answer.status, text


def solution_session(port: int, login_path: str, password: str) -> dict[str, str]:
    jar: dict[str, str] = {}
    _status, page = _exchange(port, "GET", login_path, jar)
    token = CSRF.search(page).group(1)
    status, _text = _exchange(
        port, "POST", login_path, jar, f"csrfmiddlewaretoken={token}&password={password}"
    )
    if status != 302:
        raise SystemExit(f"solution sign-in answered {status}")
    return jar


def return_session(port: int, link_path: str) -> dict[str, str]:
    jar: dict[str, str] = {}
    status, _text = _exchange(port, "GET", link_path, jar)
    if status != 302:
        raise SystemExit(f"return link sign-in answered {status}")
    return jar


def main() -> None:
    env = portal_env(DB, DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"))
    recreate_database(DB)
    process = None
    try:
        setup_django(env)
        cases = build_cases()
        port = free_port()
        process = start_gunicorn(env, port, DJANGO_SETTINGS_MODULE="bench._settings")
        login_path, password = cases["solution"]
        content = f"{login_path}content/"
        link_path, detail = cases["return"]
        solution_jars = [solution_session(port, login_path, password) for _ in range(CLIENTS)]
        return_jars = [return_session(port, link_path) for _ in range(CLIENTS)]

        def load(path: str, jars: list[dict] | None) -> list[Request]:
            return [
                Request("GET", path, {"Cookie": cookie_header(jars[i])} if jars else {})
                for i in range(CLIENTS)
            ]

        rates = interleaved_rates(
            port,
            {
                "bare": load(BARE_PAGE, None),
                "content": load(content, solution_jars),
                "detail": load(detail, return_jars),
            },
            rounds=ROUNDS,
            seconds=SECONDS,
        )
        bare = rates["bare"]
        for name, what in (
            ("content", "pages solution content vs bare page"),
            ("detail", "pages marketplace return detail vs bare page"),
        ):
            ratio = rates[name] / bare
            print(
                line(
                    what, ratio, GOAL, f"{rates[name]:.0f} vs {bare:.0f} req/s, {CLIENTS} clients"
                ),
                flush=True,
            )
    finally:
        stop_gunicorn(process)
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main()
