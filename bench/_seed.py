"""Bulk rows for the benchmarks, written by SQL (INSERT ... SELECT generate_series): a million
return requests with their orders and customers take minutes, not hours."""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import connection


def vendor(slug: str, *, policy_key: str = "marketplace"):
    from tenancy.models import Vendor

    return Vendor.objects.create(
        slug=slug,
        name=slug.title(),
        policy_key=policy_key,
        time_zone="Europe/Berlin",
        operating_country="DE",
        support_email=f"support@{slug}.example",
        sender_email=f"returns@{slug}.example",
        return_address="Lagerstraße 1, 10115 Berlin",
    )


def agent(vendor, username: str):
    from django.contrib.auth import get_user_model

    from tenancy.models import Membership

    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "bench-password", is_staff=True
    )
    Membership.objects.create(user=user, vendor=vendor)
    return user


def returns(vendor, count: int, *, start: int = 0, due: bool = False) -> float:
    """``count`` requested returns of ``vendor``, each with its own order and customer; seconds.

    Row i has RMA number RMA<vendor><i>, order SO-<slug>-<i>, tracking 1Z<vendor>T<i> and
    customer c<i>@<slug>.example. Open reviews are due in 30 days; ``due`` ones an hour ago.
    """
    began = time.monotonic()
    with _indexes_rebuilt_after() if count >= 50_000 else _nothing():
        _insert(vendor, count, start=start, due=due)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rma_customer; ANALYZE rma_order; ANALYZE rma_returnrequest")
    return time.monotonic() - began


TABLES = ("rma_customer", "rma_order", "rma_returnrequest")


@contextmanager
def _nothing():
    yield


@contextmanager
def _indexes_rebuilt_after():
    """Drop the plain indexes while a million rows go in, then build them once (minutes less)."""
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


def _insert(vendor, count: int, *, start: int, due: bool) -> None:
    review_due = "now() - interval '1 hour'" if due else "now() + interval '30 days'"
    with connection.cursor() as cursor:
        # Row i of each table gets id base + i, so rows refer to each other without lookups.
        bases = {}
        for table in ("rma_customer", "rma_order", "rma_returnrequest"):
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            bases[table] = cursor.fetchone()[0] + 1 - start
        params = {
            "vendor": vendor.pk,
            "slug": vendor.slug,
            "first": start,
            "last": start + count - 1,
            "customer": bases["rma_customer"],
            "order": bases["rma_order"],
            "return": bases["rma_returnrequest"],
        }
        cursor.execute(
            """
            INSERT INTO rma_customer (id, email, name, phone, language, created_at, vendor_id)
            SELECT %(customer)s + i, 'c' || i || '@' || %(slug)s || '.example', 'Customer ' || i,
                   '', 'en', now(), %(vendor)s
            FROM generate_series(%(first)s, %(last)s) AS i
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
            SELECT %(order)s + i, 'Customer ' || i, 'Hauptstraße 5', '', 'Berlin', '10115', '',
                   'DE', '', 'SO-' || %(slug)s || '-' || i, now() - (i %% 300) * interval '1 hour',
                   NULL, NULL, '1Z' || %(vendor)s || 'O' || i, 'own_store', 'DE', 'EUR', false,
                   now(), now() - (i %% 1000) * interval '1 minute', %(customer)s + i, %(vendor)s
            FROM generate_series(%(first)s, %(last)s) AS i
            """,
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO rma_returnrequest (id, public_id, scenario, status, rma_number, reason,
                attestations, current_country, wrong_item_option, complex_case, decision,
                policy_version, requested_at, review_due, return_required, carrier,
                tracking_number, inspection_note, refund_breakdown, store_credit, updated_at,
                customer_id, order_id, vendor_id)
            SELECT %(return)s + i, gen_random_uuid(), 'quality_defect', 'requested',
                   'RMA' || lpad((%(vendor)s * 100000000 + i)::text, 9, '0'), 'Broken',
                   '{{}}', 'DE', '', false, '{{}}', 'bench',
                   now() - (i %% 500) * interval '1 minute', {review_due}, true, '',
                   '1Z' || %(vendor)s || 'T' || i, '', '{{}}', false, now(), %(customer)s + i,
                   %(order)s + i, %(vendor)s
            FROM generate_series(%(first)s, %(last)s) AS i
            """,
            params,
        )
        for table in ("rma_customer", "rma_order", "rma_returnrequest"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
