"""The benchmarks write their rows by SQL: a column the schema gains without a default breaks
them long after the change that added it. Each seeder writes a few rows here, on the real
schema, and the ORM reads them back."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from bench import _seed, _seed_cases
from bench.api import seed_orders
from rma.models import Order, OrderLine, ReturnRequest, Unit

pytestmark = pytest.mark.django_db


def test_the_sweep_and_admin_seeders_write_rows_the_models_read():
    small = _seed.vendor("seed-sweep")
    _seed.returns(small, 5, due=True)
    cases = _seed.vendor("seed-admin")
    _seed_cases.returns(cases, 40)
    with scopes_disabled():
        assert ReturnRequest.objects.filter(vendor=small).count() == 5
        assert ReturnRequest.objects.filter(vendor=cases).count() == 40
        assert {rr.status for rr in ReturnRequest.objects.filter(vendor=cases)} >= {
            "requested",
            "refunded",
            "closed",
        }
        assert Unit.objects.filter(vendor=cases).exists()


def test_the_api_seeder_writes_orders_the_models_read():
    vendor = _seed.vendor("seed-api")
    seed_orders(vendor, 7)
    with scopes_disabled():
        assert Order.objects.filter(vendor=vendor).count() == 7
        assert OrderLine.objects.filter(vendor=vendor).count() == 7
