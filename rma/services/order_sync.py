"""Orders as the vendor's shop or ERP sends them: an upsert by order number, lines by SKU."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from rma.models import Customer, Order, OrderLine, ReturnLine, SolutionLine, Unit
from rma.models.orders import ShippingAddress
from tenancy.models import Vendor

from . import rollups
from .base import DomainError
from .units import UnitData, units_for_line

LINE_FIELDS = (
    "name",
    "quantity",
    "unit_price",
    "purchase_cost",
    "export_postage",
    "warranty_months",
    "image_url",
)
ORDER_FIELDS = (
    "placed_at",
    "shipped_at",
    "delivered_at",
    "tracking_number",
    "purchase_channel",
    "country_of_purchase",
    "currency",
    "is_corporate",
)


@dataclass(frozen=True)
class CustomerData:
    email: str
    name: str = ""
    phone: str = ""
    language: str = ""


@dataclass(frozen=True)
class LineData:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    purchase_cost: Decimal = Decimal("0")
    export_postage: Decimal = Decimal("0")
    warranty_months: int | None = None
    image_url: str = ""
    # The serial numbers sold on the line; None leaves the line's units as they are.
    units: Sequence[UnitData] | None = None


@dataclass(frozen=True)
class OrderData:
    number: str
    customer: CustomerData
    placed_at: datetime
    country_of_purchase: str
    lines: Sequence[LineData]
    fields: Mapping[str, object] = field(default_factory=dict)
    address: Mapping[str, str] = field(default_factory=dict)


def _customer(vendor: Vendor, data: CustomerData) -> Customer:
    email = data.email.strip()
    customer = Customer.objects.filter(vendor=vendor, email__iexact=email).first()
    if customer is None:
        return Customer.objects.create(
            vendor=vendor,
            email=email,
            name=data.name,
            phone=data.phone,
            language=data.language or "en",
        )
    changed = [
        name
        for name in ("name", "phone", "language")
        if getattr(data, name) and getattr(data, name) != getattr(customer, name)
    ]
    for name in changed:
        setattr(customer, name, getattr(data, name))
    if changed:
        customer.save(update_fields=changed)
    return customer


def order_upsert(*, vendor: Vendor, data: OrderData) -> tuple[Order, bool]:
    """Create the order or bring it up to date; returns it and whether it was created.

    Lines are matched by SKU. A line the shop no longer sends is removed, unless a return or a
    warranty solution refers to it: then nothing is saved and the error names the SKU.

    Two requests creating the same new order number (or customer) at once: the loser's insert
    meets the unique constraint, and it runs once more, now updating what the winner created.
    """
    try:
        return _order_upsert(vendor=vendor, data=data)
    except IntegrityError:
        return _order_upsert(vendor=vendor, data=data)


@transaction.atomic
@rollups.tracks_sold_units
def _order_upsert(*, vendor: Vendor, data: OrderData) -> tuple[Order, bool]:
    skus = [line.sku for line in data.lines]
    if not skus:
        raise DomainError("An order needs at least one line.", code="invalid")
    duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
    if duplicates:
        raise DomainError(
            f"SKU {', '.join(duplicates)} appears on more than one line; send one line per SKU "
            "with its total quantity.",
            code="invalid",
        )
    values: dict[str, object] = {
        "placed_at": data.placed_at,
        "country_of_purchase": data.country_of_purchase,
        **{k: v for k, v in data.fields.items() if k in ORDER_FIELDS},
    }
    for name in ShippingAddress.ADDRESS_FIELDS:
        if name in data.address:
            values[name] = data.address[name] or ""
    if values.get("delivered_at") is not None and values.get("shipped_at") is None:
        raise DomainError(
            "An order with a delivery date needs a shipping date too (shipped_at).", code="invalid"
        )
    order = (
        Order.objects.select_for_update(of=("self",))
        .filter(vendor=vendor, number=data.number)
        .first()
    )
    customer = _customer(vendor, data.customer)
    if order is None:
        order = Order(vendor=vendor, number=data.number, customer=customer, **values)
        order.save()
        _sync_lines(vendor, order, data.lines, new_order=True)
        return order, True
    new_currency = values.get("currency")
    if new_currency and new_currency != order.currency and _has_cases(order):
        raise DomainError(
            f"Order {order.number} has returns or warranty solutions in {order.currency}; its "
            f"currency cannot change to {new_currency}. Send the order with {order.currency}.",
            code="currency_locked",
        )
    # An unchanged resend must not move updated_at, or "updated since" would return everything.
    changed = order.customer_id != customer.pk
    order.customer = customer
    for name, value in values.items():
        changed = changed or _differs(getattr(order, name), value)
        setattr(order, name, value)
    if _sync_lines(vendor, order, data.lines) or changed:
        order.save()
    return order, False


def _has_cases(order: Order) -> bool:
    from rma.models import ReturnRequest, WarrantySolution

    return (
        ReturnRequest.objects.filter(order=order).exists()
        or WarrantySolution.objects.filter(order=order).exists()
    )


def _differs(current: object, new: object) -> bool:
    if current is None or new is None:
        return current is not new
    return str(current) != str(new) if not isinstance(new, Decimal | datetime) else current != new


def _sync_lines(
    vendor: Vendor, order: Order, lines: Sequence[LineData], *, new_order: bool = False
) -> bool:
    """Bring the order's lines in line with ``lines``; returns whether anything changed."""
    # An order just inserted has no lines to read back.
    existing = {} if new_order else {line.sku: line for line in order.lines.all()}
    wanted = {line.sku for line in lines}
    gone = [line for sku, line in existing.items() if sku not in wanted]
    if gone:
        ids = [line.pk for line in gone]
        used = (
            set(
                ReturnLine.objects.filter(order_line_id__in=ids).values_list(
                    "order_line_id", flat=True
                )
            )
            | set(
                SolutionLine.objects.filter(order_line_id__in=ids).values_list(
                    "order_line_id", flat=True
                )
            )
            | set(
                Unit.objects.filter(order_line_id__in=ids).values_list("order_line_id", flat=True)
            )
        )
        in_use = sorted(line.sku for line in gone if line.pk in used)
        if in_use:
            raise DomainError(
                f"SKU {', '.join(in_use)} cannot be removed from order {order.number}: a return "
                "warranty solution or a unit's serial number refers to it. Send the line again.",
                code="line_in_use",
            )
        OrderLine.objects.filter(pk__in=ids).delete()
    changed = bool(gone)
    for data in lines:
        line = existing.get(data.sku)
        if line is None:
            line = OrderLine(vendor=vendor, order=order, sku=data.sku)
        dirty = line.pk is None
        for name in LINE_FIELDS:
            value = getattr(data, name)
            dirty = dirty or getattr(line, name) != value
            setattr(line, name, value)
        if dirty:
            line.save()
            changed = True
        if data.units is not None:
            units_for_line(vendor=vendor, line=line, units=data.units)
    return changed
