"""Case-insensitive lookups that run on every order upsert and customer sign-in use an index.

``email__iexact`` and ``number__iexact`` compare UPPER() of the column; a plain index on the
column cannot serve them, so without the expression indexes each lookup scans all of a
vendor's customers or orders. The plans are read over a few thousand rows of one vendor,
freshly analysed, as PostgreSQL would plan them for a vendor with many customers.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from rma.models import Customer, Order

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads PostgreSQL query plans"
)


ROWS = 5000


@pytest.fixture
def many_orders(vendor_a):
    params = {"vendor": vendor_a.pk, "rows": ROWS}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO rma_customer (email, name, phone, language, created_at, vendor_id)
            SELECT 'c' || i || '@mail.example', '', '', 'en', now(), %(vendor)s
            FROM generate_series(1, %(rows)s) AS i
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO rma_order (ship_name, ship_line1, ship_line2, ship_city,
                ship_postal_code, ship_region, ship_country, ship_phone, number, placed_at,
                tracking_number, purchase_channel, country_of_purchase, currency,
                is_corporate, created_at, updated_at, customer_id, vendor_id)
            SELECT '', '', '', '', '', '', 'DE', '', 'SO-' || c.id, now(), '', 'own_store',
                   'DE', 'EUR', false, now(), now(), c.id, %(vendor)s
            FROM rma_customer AS c WHERE c.vendor_id = %(vendor)s
            """,
            params,
        )
        cursor.execute("ANALYZE rma_customer; ANALYZE rma_order")
    return vendor_a


def _plan(queryset) -> str:
    return queryset.explain()


@pytest.mark.django_db(transaction=False)
def test_the_upserts_customer_lookup_uses_the_case_insensitive_index(many_orders):
    vendor_a = many_orders
    with scopes_disabled():
        plan = _plan(Customer.objects.filter(vendor=vendor_a, email__iexact="C77@Mail.example"))
    # customer_email_upper (migration 0012), the admin's exact email search's index too.
    assert "Index Cond: ((vendor_id = " in plan and "upper((email)::text)" in plan, plan


@pytest.mark.django_db(transaction=False)
def test_the_sign_in_order_lookup_uses_the_case_insensitive_index(many_orders):
    vendor_a = many_orders
    with scopes_disabled():
        plan = _plan(
            Order.objects.filter(
                vendor=vendor_a, number__iexact="so-77", customer__email__iexact="c77@mail.example"
            )
        )
    assert "order_vendor_number_ci" in plan and "upper((number)::text)" in plan, plan
