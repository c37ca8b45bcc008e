"""The public warranty lookup: status by serial, nothing personal, rate-limited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django_scopes import scope

from rma.models import Unit
from rma.services.units import UnitData, unit_replace, units_for_line

from ..factories import OrderLineFactory, VendorFactory
from .helpers import url


@pytest.fixture
def sold(db):
    cache.clear()
    vendor = VendorFactory(slug="aqara-lookup", policy_key="aqara")
    line = OrderLineFactory(
        order__vendor=vendor,
        vendor=vendor,
        order__placed_at=datetime(2026, 1, 10, 12, tzinfo=UTC),
        order__ship_name="Jane Secret",
        order__ship_line1="Geheimweg 7",
    )
    with scope(vendor=vendor):
        (unit,) = units_for_line(vendor=vendor, line=line, units=[UnitData("AQ-77", "B1")])
        unit_replace(unit=unit, serial="AQ-78", at=datetime(2026, 6, 1, tzinfo=UTC))
    yield vendor, line
    cache.clear()


def test_lookup_shows_the_warranty_and_nothing_personal(client, sold):
    vendor, line = sold
    page = client.post(url("warranty_lookup", vendor), {"serial": "AQ-77"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "10 Jan 2026" in html and "10 Jan 2027" in html and "AQ-78" in html
    order, customer = line.order, line.order.customer
    for secret in (
        customer.email,
        customer.name,
        order.number,
        "Jane Secret",
        "Geheimweg",
    ):
        assert secret and secret not in html
    replacement = client.post(url("warranty_lookup", vendor), {"serial": "AQ-78"}).content.decode()
    assert "AQ-77" in replacement and "AQA-10" in replacement


def test_unknown_serial_and_other_vendors_serials_are_not_found(client, sold):
    vendor, _line = sold
    other = VendorFactory(slug="other-lookup", policy_key="aqara")
    for who, serial in ((vendor, "NOPE"), (other, "AQ-77")):
        html = client.post(url("warranty_lookup", who), {"serial": serial}).content.decode()
        assert "We know no device with this serial number" in html
    with scope(vendor=vendor):
        assert Unit.objects.filter(vendor=vendor).count() == 2


def test_lookups_are_rate_limited_per_network(client, sold):
    vendor, _line = sold
    for _ in range(30):
        assert client.post(url("warranty_lookup", vendor), {"serial": "X"}).status_code == 200
    assert client.post(url("warranty_lookup", vendor), {"serial": "AQ-77"}).status_code == 429
