"""Return requests as a year of a real vendor's work, for the admin benchmark: orders with a
line each (40 SKUs, two currencies), requests spread over 300 days in every status, refunds,
closures and breaches, and a quarter of the claims naming a unit with its production batch.

Written by SQL like ``_seed.returns`` and with the same numbers (row i: RMA<vendor><i>, order
SO-<slug>-<i>, tracking 1Z<vendor>T<i>, customer c<i>@<slug>.example), so the searches look
up the same rows; then ``rollups_rebuild`` back-fills the dashboard's rollups from them.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import connection

TABLES = (
    "rma_customer",
    "rma_order",
    "rma_orderline",
    "rma_returnrequest",
    "rma_returnline",
    "rma_unit",
    "rma_returnunit",
)
# i % 20 -> status; the rest of the row follows from it (timestamps, amounts).
STATUSES = (
    ["requested"] * 8
    + ["under_review", "approved", "shipped", "received", "inspected"]
    + ["refunded"] * 3
    + ["closed", "cancelled", "rejected", "replaced"]
)
SCENARIOS = ("quality_defect", "non_quality", "wrong_item", "warranty_claim")


def returns(vendor, count: int) -> float:
    """``count`` return requests of ``vendor`` with their orders, lines and units; seconds."""
    began = time.monotonic()
    with _indexes_rebuilt_after() if count >= 50_000 else _nothing():
        _insert(vendor, count)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return time.monotonic() - began


@contextmanager
def _nothing():
    yield


@contextmanager
def _indexes_rebuilt_after():
    """Drop the plain indexes while the rows go in, then build each once."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s) AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
              AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'
            """,
            [list(TABLES)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)


def _case(values: list[str]) -> str:
    """SQL picking values[i % len(values)]."""
    arms = " ".join(f"WHEN {n} THEN '{v}'" for n, v in enumerate(values))
    return f"(CASE i % {len(values)} {arms} END)"


def _insert(vendor, count: int) -> None:
    with connection.cursor() as cursor:
        bases = {}
        for table in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            bases[table] = cursor.fetchone()[0] + 1
        p = {
            "vendor": vendor.pk,
            "slug": vendor.slug,
            "last": count - 1,
            **{table.removeprefix("rma_"): base for table, base in bases.items()},
        }
        status, scenario = _case(STATUSES), _case(list(SCENARIOS))
        # requested_at of row i: spread over 300 days; orders placed five days before.
        requested = "(now() - (i % 300) * interval '1 day' - (i % 1440) * interval '1 minute')"
        resolved = f"least(now(), {requested} + (1 + i % 97) * interval '1 hour')"
        cursor.execute(
            """
            INSERT INTO rma_customer (id, email, name, phone, language, created_at, vendor_id)
            SELECT %(customer)s + i, 'c' || i || '@' || %(slug)s || '.example', 'Customer ' || i,
                   '', 'en', now(), %(vendor)s
            FROM generate_series(0, %(last)s) AS i
            """,
            p,
        )
        cursor.execute(
            f"""
            INSERT INTO rma_order (id, ship_name, ship_line1, ship_line2, ship_city,
                ship_postal_code, ship_region, ship_country, ship_phone, number, placed_at,
                shipped_at, delivered_at, tracking_number, purchase_channel,
                country_of_purchase, currency, is_corporate, created_at, updated_at,
                customer_id, vendor_id)
            SELECT %(order)s + i, 'Customer ' || i, 'Hauptstraße 5', '', 'Berlin', '10115', '',
                   'DE', '', 'SO-' || %(slug)s || '-' || i, {requested} - interval '5 days',
                   NULL, NULL, '1Z' || %(vendor)s || 'O' || i, 'own_store', 'DE',
                   CASE WHEN i % 5 = 0 THEN 'USD' ELSE 'EUR' END, false,
                   now(), now() - (i %% 1000) * interval '1 minute', %(customer)s + i, %(vendor)s
            FROM generate_series(0, %(last)s) AS i
            """.replace("i % ", "i %% "),
            p,
        )
        cursor.execute(
            """
            INSERT INTO rma_orderline (id, sku, name, quantity, unit_price, purchase_cost,
                export_postage, warranty_months, image_url, order_id, vendor_id)
            SELECT %(orderline)s + i, 'SKU-' || lpad((i %% 40)::text, 2, '0'),
                   'Device ' || (i %% 40), 1 + i %% 3, 50 + i %% 100, 0, 0, NULL, '',
                   %(order)s + i, %(vendor)s
            FROM generate_series(0, %(last)s) AS i
            """,
            p,
        )
        cursor.execute(
            f"""
            INSERT INTO rma_returnrequest (id, public_id, scenario, status, rma_number, reason,
                attestations, current_country, wrong_item_option, complex_case, decision,
                policy_version, requested_at, review_due, sla_breached_at, return_required,
                carrier, tracking_number, inspection_note, refund_breakdown, refund_amount,
                refunded_at, replaced_at, closed_at, store_credit, updated_at, customer_id,
                order_id, vendor_id)
            SELECT %(returnrequest)s + i, gen_random_uuid(), {scenario}, {status},
                   'RMA' || lpad((%(vendor)s * 100000000 + i)::text, 9, '0'), 'Broken',
                   '[]', 'DE', '', false, '{{}}', 'bench', {requested},
                   now() + interval '30 days',
                   CASE WHEN i % 7 = 0 AND i % 20 < 9 THEN {requested} + interval '2 days' END,
                   true, '', '1Z' || %(vendor)s || 'T' || i, '', '{{}}',
                   CASE WHEN i % 20 BETWEEN 13 AND 15 THEN 50 + i % 100 END,
                   CASE WHEN i % 20 BETWEEN 13 AND 15 THEN {resolved} END,
                   CASE WHEN i % 20 = 19 THEN {resolved} END,
                   CASE WHEN i % 20 IN (16, 17) THEN {resolved} END,
                   false, now(), %(customer)s + i, %(order)s + i, %(vendor)s
            FROM generate_series(0, %(last)s) AS i
            """.replace("i % ", "i %% "),
            p,
        )
        cursor.execute(
            """
            INSERT INTO rma_returnline (id, quantity, order_line_id, vendor_id, request_id)
            SELECT %(returnline)s + i, 1, %(orderline)s + i, %(vendor)s, %(returnrequest)s + i
            FROM generate_series(0, %(last)s) AS i
            """,
            p,
        )
        # Every fourth claim names its unit; batches are runs of 2,000 units (30 of them).
        cursor.execute(
            """
            INSERT INTO rma_unit (id, serial, sku, batch, market, warranty_start, warranty_end,
                warranty_rule_id, source, created_at, updated_at, order_line_id, replaces_id,
                vendor_id)
            SELECT %(unit)s + i / 4, 'SN-' || %(vendor)s || '-' || i,
                   'SKU-' || lpad((i %% 40)::text, 2, '0'), 'B' || (i / 2000) %% 30, 'DE',
                   now() - interval '300 days', now() + interval '2 years', '', 'shop', now(),
                   now(), %(orderline)s + i, NULL, %(vendor)s
            FROM generate_series(0, %(last)s, 4) AS i
            """,
            p,
        )
        cursor.execute(
            """
            INSERT INTO rma_returnunit (id, request_id, vendor_id, unit_id, serial)
            SELECT %(returnunit)s + i / 4, %(returnrequest)s + i, %(vendor)s, %(unit)s + i / 4,
                   'SN-' || %(vendor)s || '-' || i
            FROM generate_series(0, %(last)s, 4) AS i
            """,
            p,
        )
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
