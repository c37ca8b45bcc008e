"""The order JSON written out (``order_json``) equals what DRF's declared fields give, on every
kind of order: the fast path must not change what clients see."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from api.serializers.common import AddressSerializer
from api.serializers.orders import OrderLineSerializer, OrderSerializer
from rma.models import Order, Unit
from tests.factories import OrderFactory, OrderLineFactory


class FieldByFieldLine(OrderLineSerializer):
    """The line as DRF's declared fields render it."""

    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


class FieldByFieldOrder(OrderSerializer):
    """The order as DRF's declared fields render it."""

    lines = FieldByFieldLine(many=True)

    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


def _json(data) -> object:
    return json.loads(JSONRenderer().render(data))


def _orders(vendor) -> list[Order]:
    now = timezone.now().replace(microsecond=123456)
    placed = OrderFactory(
        vendor=vendor,
        number="SO-PLACED",
        placed_at=now - timedelta(days=1),
        shipped_at=None,
        delivered_at=None,
        tracking_number="",
        ship_country="",
        is_corporate=True,
        purchase_channel=Order.Channel.MARKETPLACE,
    )
    OrderLineFactory(order=placed, vendor=vendor, unit_price=Decimal("129.5"), warranty_months=24)
    shipped = OrderFactory(
        vendor=vendor,
        number="SO-SHIPPED",
        shipped_at=now - timedelta(hours=5),
        delivered_at=None,
        ship_name="Jim Doe",
        ship_line1="1 Main St",
        ship_city="Austin",
        ship_region="TX",
        ship_postal_code="78701",
        ship_country="US",
        ship_phone="+1 512 555 0100",
    )
    line = OrderLineFactory(
        order=shipped, vendor=vendor, quantity=3, purchase_cost=Decimal("10"), image_url=""
    )
    OrderLineFactory(order=shipped, vendor=vendor, sku="HUB-1", export_postage=Decimal("2.5"))
    Unit.objects.create(vendor=vendor, serial="S-2", sku=line.sku, order_line=line, market="FR")
    Unit.objects.create(vendor=vendor, serial="S-1", sku=line.sku, order_line=line, batch="B7")
    delivered = OrderFactory(vendor=vendor, number="SO-DELIVERED")
    OrderLineFactory(order=delivered, vendor=vendor, image_url="https://cdn.example/cam.png")
    return list(
        Order.objects.filter(vendor=vendor)
        .select_related("customer")
        .prefetch_related("lines", "lines__units")
        .order_by("number")
    )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"], ids=["utc", "active-berlin"])
def test_order_json_equals_the_declared_fields(vendor_a, zone):
    with scope(vendor=vendor_a):
        orders = _orders(vendor_a)
        with timezone.override(zone):
            fast = _json(OrderSerializer(orders, many=True).data)
            by_field = _json(FieldByFieldOrder(orders, many=True).data)
    assert [order["status"] for order in fast] == ["delivered", "placed", "shipped"]
    assert fast == by_field
    shipped = fast[2]
    assert [unit["serial"] for unit in shipped["lines"][0]["units"]] == ["S-1", "S-2"]
    assert fast[1]["lines"][0]["unit_price"] == "129.50"


def test_order_json_keeps_the_schemas_keys(vendor_a):
    """Every field the OpenAPI schema declares is in the JSON, and nothing else."""
    with scope(vendor=vendor_a):
        [order, *_rest] = _orders(vendor_a)
        data = OrderSerializer(order).data
    declared = OrderSerializer().fields
    assert list(data) == list(declared)
    assert list(data["lines"][0]) == list(declared["lines"].child.fields)
    assert list(data["customer"]) == list(declared["customer"].fields)
    assert list(data["shipping_address"]) == list(declared["shipping_address"].fields)


@pytest.mark.parametrize(
    "serializer_class",
    [OrderSerializer, OrderLineSerializer, AddressSerializer],
    ids=lambda cls: cls.__name__,
)
def test_lean_fields_are_fresh_copies_of_the_declared_ones(serializer_class):
    """Each instance gets its own fields, declared alike to what DRF's deep copy gives."""
    first, second = serializer_class(), serializer_class()
    deep = serializers.Serializer.get_fields(first)
    assert [repr(f) for f in first.fields.values()] == [repr(f) for f in deep.values()]
    for name, field in first.fields.items():
        assert field is not second.fields[name]
        assert field is not serializer_class._declared_fields[name]
        assert field.parent is first and second.fields[name].parent is second


def test_a_bad_order_gets_the_same_errors_as_with_deep_copied_fields():
    class DeepCopied(OrderSerializer):
        def get_fields(self):
            return serializers.Serializer.get_fields(self)

    bad = {
        "number": "SO/1",
        "customer": {"email": "not-an-email", "language": "xx"},
        "placed_at": "2025-03-01T09:30:00",
        "country_of_purchase": "ZZ",
        "currency": "EURO",
        "shipping_address": {"country": "Q"},
        "lines": [{"sku": "", "quantity": 0, "unit_price": 1.5, "image_url": "http://x"}],
    }
    lean, deep = OrderSerializer(data=bad), DeepCopied(data=bad)
    assert not lean.is_valid() and not deep.is_valid()
    assert lean.errors == deep.errors
    assert set(lean.errors) >= {"number", "customer", "placed_at", "lines", "currency"}
