"""Orders with their lines and customer, as the shop sends them and as the API shows them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rma.models import Order, OrderLine
from rma.services.order_sync import CustomerData, LineData, OrderData
from rma.services.units import UnitData

from .common import (
    CountryCodeField,
    CurrencyField,
    DateTimeInRange,
    LeanSerializer,
    ShippingAddressField,
    address_fields,
    address_json,
    country_code,
    money,
)

ORDER_NUMBER = r"^[^/\x00-\x1f\x7f]+$"
UPSERT_FIELDS = (
    "shipped_at",
    "delivered_at",
    "tracking_number",
    "purchase_channel",
    "currency",
    "is_corporate",
)


class CustomerSerializer(LeanSerializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        default="en",
        help_text="The language of the emails the portal sends to this customer.",
    )


class UnitInLineSerializer(LeanSerializer):
    serial = serializers.CharField(max_length=64, help_text="Unique per vendor.")
    batch = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="Production batch."
    )
    market = CountryCodeField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The country it was sold for; empty: the order's country of purchase.",
    )


class OrderLineSerializer(LeanSerializer):
    sku = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = money(help_text="What the customer paid for one unit.")
    purchase_cost = money(
        required=False,
        default=Decimal("0"),
        help_text="Per unit; deducted from a refund where the vendor's policy says so.",
    )
    export_postage = money(
        required=False,
        default=Decimal("0"),
        help_text="Per unit; deducted from a refund where the vendor's policy says so.",
    )
    warranty_months = serializers.IntegerField(
        min_value=0,
        max_value=600,
        required=False,
        allow_null=True,
        default=None,
        help_text="Empty: the vendor policy's default warranty.",
    )
    image_url = serializers.URLField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        validators=[URLValidator(schemes=["https"], message="Use an https:// address.")],
        help_text="A picture of the product on your CDN (https), shown to the customer beside "
        "its name. Empty: no picture.",
    )
    units = UnitInLineSerializer(
        many=True,
        required=False,
        max_length=1000,
        help_text="The serial numbers sold on this line (at most its quantity); "
        "left out: the line's units stay as they are.",
    )

    def to_representation(self, instance: OrderLine) -> dict:
        return line_json(instance)

    def validate(self, attrs: dict) -> dict:
        units = attrs.get("units")
        if units is not None:
            if len(units) > attrs["quantity"]:
                raise serializers.ValidationError(
                    {"units": _("More serial numbers than the line's quantity.")}
                )
            serials = [u["serial"].strip() for u in units]
            if len(set(serials)) != len(serials):
                raise serializers.ValidationError({"units": _("A serial number appears twice.")})
        return attrs


# Plain serializers, not model serializers: every field is declared here anyway, and a model
# serializer would rebuild its fields from the model on every request.
class OrderSerializer(LeanSerializer):
    """An order; POSTing one with a known number updates it (an upsert)."""

    number = serializers.RegexField(
        ORDER_NUMBER, max_length=64, help_text="The shop's order number; unique per vendor."
    )
    status = serializers.SerializerMethodField(
        help_text="From the dates: placed, shipped or delivered."
    )
    customer = CustomerSerializer()
    placed_at = DateTimeInRange()
    shipped_at = DateTimeInRange(required=False, allow_null=True, default=None)
    delivered_at = DateTimeInRange(
        required=False,
        allow_null=True,
        default=None,
        help_text="From the logistics tracking; windows that count from delivery start here.",
    )
    tracking_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    purchase_channel = serializers.ChoiceField(
        choices=Order.Channel.choices, required=False, default=Order.Channel.OWN_STORE
    )
    country_of_purchase = CountryCodeField(
        help_text="Where the warranty holds, under policies that limit it to one country."
    )
    currency = CurrencyField(help_text="ISO 4217 code, such as EUR.")
    is_corporate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Some policies exclude corporate purchases from money-back.",
    )
    shipping_address = ShippingAddressField(
        required=False, help_text="Left out: the address stays as it is (empty for a new order)."
    )
    lines = OrderLineSerializer(many=True, min_length=1, max_length=500)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_status(self, obj: Order) -> str:
        return order_status(obj)

    def to_representation(self, instance: Order) -> dict:
        return order_json(instance)

    def validate(self, attrs: dict) -> dict:
        placed, shipped, delivered = (
            attrs["placed_at"],
            attrs.get("shipped_at"),
            attrs.get("delivered_at"),
        )
        errors: dict[str, str] = {}
        if delivered is not None and shipped is None:
            errors["shipped_at"] = _("An order with a delivery date needs a shipping date too.")
        if shipped is not None and shipped < placed:
            errors["shipped_at"] = _("The order cannot ship before it was placed.")
        if delivered is not None and shipped is not None and delivered < shipped:
            errors["delivered_at"] = _("The order cannot arrive before it shipped.")
        skus = [line["sku"] for line in attrs["lines"]]
        duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
        if duplicates:
            errors["lines"] = _(
                "SKU %(skus)s appears on more than one line; send one line per SKU."
            ) % {"skus": ", ".join(duplicates)}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_order_data(self) -> OrderData:
        """The validated input in the shape ``rma.services.order_sync.order_upsert`` takes."""
        attrs = self.validated_data
        return OrderData(
            number=attrs["number"],
            customer=CustomerData(**attrs["customer"]),
            placed_at=attrs["placed_at"],
            country_of_purchase=attrs["country_of_purchase"],
            lines=[_line_data(line) for line in attrs["lines"]],
            fields={name: attrs[name] for name in UPSERT_FIELDS},
            address=address_fields(attrs["shipping_address"])
            if "shipping_address" in attrs
            else {},
        )


def _line_data(line: dict) -> LineData:
    units = line.pop("units", None)
    return LineData(
        **line,
        units=None if units is None else [UnitData(**u) for u in units],
    )


# --- the JSON of an order, written out ----------------------------------------------------------
#
# The same JSON the declared fields give (tests/api/test_order_json.py holds the two equal on
# every kind of order, in UTC and in another active time zone), without what the fields cost:
# DRF walks about forty field objects per order, and each time field looks the active time zone
# up again; that took longer than the rest of a page of 50 orders together. Dates come out as
# DRF's DateTimeField gives them (ISO 8601 in the active zone, "Z" for UTC), amounts as its
# DecimalField does (strings with two decimals).

CENTS = Decimal("0.01")


def _moment(value, zone) -> str | None:
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def order_status(order: Order) -> str:
    if order.delivered_at:
        return "delivered"
    return "shipped" if order.shipped_at else "placed"


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENTS):f}"


def line_json(line: OrderLine) -> dict:
    money_json = _money
    return {
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": money_json(line.unit_price),
        "purchase_cost": money_json(line.purchase_cost),
        "export_postage": money_json(line.export_postage),
        "warranty_months": line.warranty_months,
        "image_url": line.image_url,
        "units": [
            {"serial": u.serial, "batch": u.batch, "market": str(u.market or "")}
            for u in line.units.all()
        ],
    }


def order_json(order: Order) -> dict:
    zone = timezone.get_current_timezone()
    customer = order.customer
    return {
        "number": order.number,
        "status": order_status(order),
        "customer": {
            "email": customer.email,
            "name": customer.name,
            "phone": customer.phone,
            "language": str(customer.language),
        },
        "placed_at": _moment(order.placed_at, zone),
        "shipped_at": _moment(order.shipped_at, zone),
        "delivered_at": _moment(order.delivered_at, zone),
        "tracking_number": order.tracking_number,
        "purchase_channel": str(order.purchase_channel),
        "country_of_purchase": country_code(order, "country_of_purchase"),
        "currency": order.currency,
        "is_corporate": bool(order.is_corporate),
        "shipping_address": address_json(order),
        "lines": [line_json(line) for line in order.lines.all()],
        "created_at": _moment(order.created_at, zone),
        "updated_at": _moment(order.updated_at, zone),
    }
