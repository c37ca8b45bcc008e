"""The vendor API against bare DRF views in the same gunicorn: order upsert, and the order list
at 100k orders with cursor pagination.

Builds its own database (<BENCH_DB_PREFIX>_api): one vendor with an API key and BENCH_ORDERS
orders (default 100,000), each with a customer and a line, written by SQL. Starts gunicorn
(deploy/gunicorn.conf.py, production settings, the rate limit raised out of the way) and
measures, taking turns with CLIENTS keep-alive clients each:

- ``POST /api/v1/orders/`` with a new order each request (create through the upsert service)
  vs ``POST /bench/bare-api/`` (a DRF view that parses and validates the same JSON, no model);
- ``GET /api/v1/orders/`` (first page of 50, cursor pagination) vs ``GET /bench/bare-api/``
  (50 plain dicts rendered as JSON, no authentication).

Before the load it counts, in this process, the SQL statements of one new order with 1 line
and with 20 lines: the upsert's statements must not grow with its lines.

Prints e.g. ``api POST /api/v1/orders/ upsert vs bare DRF POST  ratio 0.35 goal >= 0.3 MET``.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time

from bench._bench_env import (
    bench_db,
    drop_database,
    free_port,
    portal_env,
    recreate_database,
    setup_django,
)
from bench._web import BARE_API, Request, interleaved_rates, line, start_gunicorn, stop_gunicorn

DB = bench_db("api")
ORDERS = int(os.environ.get("BENCH_ORDERS", "100000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
UPSERT_GOAL = 0.3


def seed_orders(vendor, count: int) -> float:
    """``count`` delivered orders of ``vendor``, each with its customer and one line; seconds."""
    from django.db import connection

    began = time.monotonic()
    with connection.cursor() as cursor:
        params = {"vendor": vendor.pk, "slug": vendor.slug, "last": count}
        cursor.execute(
            """
            INSERT INTO rma_customer (id, email, name, phone, language, created_at, vendor_id)
            SELECT i, 'c' || i || '@' || %(slug)s || '.example', 'Customer ' || i, '', 'en',
                   now(), %(vendor)s
            FROM generate_series(1, %(last)s) AS i
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO rma_order (id, ship_name, ship_line1, ship_line2, ship_city,
                ship_postal_code, ship_region, ship_country, ship_phone, number, placed_at,
                shipped_at, delivered_at, tracking_number, purchase_channel,
                country_of_purchase, currency, is_corporate, created_at, updated_at,
                customer_id, vendor_id)
            SELECT i, 'Customer ' || i, 'Hauptstraße 5', '', 'Berlin', '10115', '', 'DE', '',
                   'SO-' || i, now() - interval '5 days', now() - interval '4 days',
                   now() - interval '3 days', '1Z' || i, 'own_store', 'DE', 'EUR', false,
                   now(), now() - (i %% 100000) * interval '1 second', i, %(vendor)s
            FROM generate_series(1, %(last)s) AS i
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO rma_orderline (id, sku, name, quantity, unit_price, purchase_cost,
                export_postage, warranty_months, order_id, vendor_id, image_url)
            SELECT i, 'CAM-' || (i %% 20), 'Camera ' || (i %% 20), 1, 129.00, 0, 0, NULL, i,
                   %(vendor)s, ''
            FROM generate_series(1, %(last)s) AS i
            """,
            params,
        )
        for table in ("rma_customer", "rma_order", "rma_orderline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        cursor.execute("ANALYZE rma_customer; ANALYZE rma_order; ANALYZE rma_orderline")
    return time.monotonic() - began


def build() -> tuple[str, float]:
    """The API key of a vendor with ORDERS orders, and the seconds seeding took."""
    from django.core.management import call_command

    from api.keys import api_key_create
    from tests.factories import VendorFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    vendor = VendorFactory(slug="bench", name="Bench", policy_key="marketplace")
    _key, raw_key = api_key_create(vendor=vendor, name="bench")
    return raw_key, seed_orders(vendor, ORDERS)


_numbers = itertools.count(1)
_numbers_lock = threading.Lock()


def order_body(_number: int) -> bytes:
    with _numbers_lock:
        serial = next(_numbers)
    return json.dumps(
        {
            "number": f"BENCH-{serial}",
            "customer": {"email": f"b{serial}@bench.example", "name": "Bench Customer"},
            "placed_at": "2026-11-01T09:30:00Z",
            "shipped_at": "2026-11-02T15:00:00Z",
            "delivered_at": "2026-11-04T11:20:00Z",
            "tracking_number": f"1ZB{serial}",
            "purchase_channel": "own_store",
            "country_of_purchase": "DE",
            "currency": "EUR",
            "shipping_address": {
                "name": "Bench Customer",
                "line1": "Hauptstraße 5",
                "city": "Berlin",
                "postal_code": "10115",
                "country": "DE",
            },
            "lines": [
                {"sku": "CAM-4K", "name": "4K camera", "quantity": 1, "unit_price": "129.00"}
            ],
        }
    ).encode()


def upsert_statements(raw_key: str, lines: int) -> int:
    """The SQL statements one new order of ``lines`` lines costs, counted in this process
    through the same view (BEGIN and COMMIT included, the key's once-a-minute write not)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    client.get("/api/v1/orders/?limit=1")  # the key's last use is written now, not below
    body = json.loads(order_body(0))
    body["number"] = f"COUNT-{lines}-{next(_numbers)}"
    body["lines"] = [
        {"sku": f"SKU-{n}", "name": f"Part {n}", "quantity": 1, "unit_price": "9.90"}
        for n in range(lines)
    ]
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/orders/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return len(captured)


def main() -> None:
    env = portal_env(
        DB,
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"),
        API_RATE_LIMIT_PER_MINUTE="100000000",
    )
    recreate_database(DB)
    process = None
    try:
        setup_django(env)
        raw_key, seeded = build()
        statements = {n: upsert_statements(raw_key, n) for n in (1, 20)}
        port = free_port()
        process = start_gunicorn(env, port, DJANGO_SETTINGS_MODULE="bench._settings")
        auth = {"Authorization": f"Bearer {raw_key}"}
        json_headers = {"Content-Type": "application/json"}

        def load(method, path, headers, body=None, expect=200) -> list[Request]:
            return [Request(method, path, dict(headers), body, expect) for _ in range(CLIENTS)]

        posts = interleaved_rates(
            port,
            {
                "bare": load("POST", BARE_API, json_headers, order_body, 201),
                "upsert": load(
                    "POST", "/api/v1/orders/", {**json_headers, **auth}, order_body, 201
                ),
            },
            rounds=ROUNDS,
            seconds=SECONDS,
        )
        gets = interleaved_rates(
            port,
            {
                "bare": load("GET", BARE_API, {}),
                "list": load("GET", "/api/v1/orders/", auth),
            },
            rounds=ROUNDS,
            seconds=SECONDS,
        )
        ratio = posts["upsert"] / posts["bare"]
        print(
            line(
                "api POST /api/v1/orders/ upsert vs bare DRF POST",
                ratio,
                UPSERT_GOAL,
                f"{posts['upsert']:.0f} vs {posts['bare']:.0f} req/s, {CLIENTS} clients",
            ),
            flush=True,
        )
        print(
            f"{'api POST /api/v1/orders/ statements per new order':<44} "
            f"{statements[1]} with 1 line, {statements[20]} with 20 lines",
            flush=True,
        )
        ratio = gets["list"] / gets["bare"]
        print(
            f"{'api GET /api/v1/orders/ at ' + format(ORDERS, ',') + ' orders vs bare DRF GET':<44}"
            f" ratio {ratio:5.2f}  (no goal; printed)  {gets['list']:.0f} vs {gets['bare']:.0f} "
            f"req/s, first page of 50, cursor pagination, {CLIENTS} clients, "
            f"seeded in {seeded:.0f} s",
            flush=True,
        )
    finally:
        stop_gunicorn(process)
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main()
