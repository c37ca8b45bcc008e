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
from .units import UnitData, units_for_lines

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

    The order comes back with its lines and their units attached (``order.lines.all()`` and
    ``line.units.all()`` answer without a query), as written. The statements do not grow with
    the number of lines: the order row is locked once, lines are inserted and updated in bulk,
    and the sold-units counters move in one statement computed from the lines in hand.

    Two requests creating the same new order number (or customer) at once: the loser's insert
    meets the unique constraint, and it runs once more, now updating what the winner created.
    """
    try:
        return _order_upsert(vendor=vendor, data=data)
    except IntegrityError:
        return _order_upsert(vendor=vendor, data=data)


def _check(data: OrderData) -> None:
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


@transaction.atomic
def _order_upsert(*, vendor: Vendor, data: OrderData) -> tuple[Order, bool]:
    _check(data)
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
    # The one lock: concurrent upserts of this number, and the sold-units counters they move,
    # take turns here.
    try:  # the number is unique per vendor: no ordering to compile or plan
        order = Order.objects.select_for_update(of=("self",)).get(vendor=vendor, number=data.number)
    except Order.DoesNotExist:
        order = None
    customer = _customer(vendor, data.customer)
    tz = vendor.time_zone
    if order is None:
        order = Order(vendor=vendor, number=data.number, customer=customer, **values)
        order.save()
        lines = _create_lines(vendor, order, data.lines)
        _attach(order, lines, vendor, data.lines, new_order=True)
        rollups.order_units_moved(
            vendor=vendor,
            before_day=None,
            before={},
            after_day=rollups.local_day(order.placed_at, tz),
            after=_units_sold(lines),
        )
        return order, True
    new_currency = values.get("currency")
    if new_currency and new_currency != order.currency and _has_cases(order):
        raise DomainError(
            f"Order {order.number} has returns or warranty solutions in {order.currency}; its "
            f"currency cannot change to {new_currency}. Send the order with {order.currency}.",
            code="currency_locked",
        )
    before_day = rollups.local_day(order.placed_at, tz)
    existing = list(order.lines.all())
    before = _units_sold(existing)
    # An unchanged resend must not move updated_at, or "updated since" would return everything.
    changed = order.customer_id != customer.pk
    order.customer = customer
    for name, value in values.items():
        changed = changed or _differs(getattr(order, name), value)
        setattr(order, name, value)
    lines, lines_changed = _sync_lines(vendor, order, existing, data.lines)
    if lines_changed or changed:
        order.save()
    _attach(order, lines, vendor, data.lines, new_order=False)
    after_day = rollups.local_day(order.placed_at, tz)
    returned: dict[str, int] = {}
    if after_day != before_day:  # the units it returned move to the new day with it
        for sku, quantity in ReturnLine.objects.filter(order_line__order=order).values_list(
            "order_line__sku", "quantity"
        ):
            returned[sku] = returned.get(sku, 0) + quantity
    rollups.order_units_moved(
        vendor=vendor,
        before_day=before_day,
        before=before,
        after_day=after_day,
        after=_units_sold(lines),
        returned=returned,
    )
    return order, False


def _units_sold(lines: Sequence[OrderLine]) -> dict[str, int]:
    return {line.sku: line.quantity for line in lines}


def _by_sku(sent: Sequence[LineData], lines: Sequence[OrderLine]) -> list[LineData]:
    """The sent line of each of ``lines``, in their order."""
    by_sku = {data.sku: data for data in sent}
    return [by_sku[line.sku] for line in lines]


def _attach(
    order: Order,
    lines: list[OrderLine],
    vendor: Vendor,
    sent: Sequence[LineData],
    *,
    new_order: bool,
) -> None:
    """Write the units sent with the lines, then hang lines and units on the objects in the
    order a read gives them (lines by id, units by serial), as ``prefetch_related`` would.

    A new order's units are the ones just written; an existing order's lines may hold others
    (units are only ever added by an upsert), so those are read back, in one query.
    """
    with_units = []
    for line, data in zip(lines, _by_sku(sent, lines), strict=True):
        line.order = order
        if data.units is not None:
            with_units.append((line, data.units))
    written = units_for_lines(vendor=vendor, lines=with_units) if with_units else []
    units: dict[int, list[Unit]] = {line.pk: [] for line in lines}
    if new_order:
        for (line, _sent), line_units in zip(with_units, written, strict=True):
            units[line.pk] = line_units
    else:
        for unit in Unit.objects.filter(order_line_id__in=list(units)):
            units[unit.order_line_id].append(unit)
    for line in lines:
        _prefetched(line, "units", sorted(units[line.pk], key=lambda unit: unit.serial))
    _prefetched(order, "lines", lines)


def _prefetched(instance: Order | OrderLine, name: str, rows: list) -> None:
    """What ``prefetch_related(name)`` leaves on ``instance``: a queryset already holding
    ``rows``, so ``.all()`` answers from them and ``.filter()`` still queries."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {
        **getattr(instance, "_prefetched_objects_cache", {}),
        name: queryset,
    }


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


def _new_line(vendor: Vendor, order: Order, data: LineData) -> OrderLine:
    line = OrderLine(vendor=vendor, order=order, sku=data.sku)
    for name in LINE_FIELDS:
        setattr(line, name, getattr(data, name))
    return line


def _create_lines(vendor: Vendor, order: Order, lines: Sequence[LineData]) -> list[OrderLine]:
    """A new order's lines, in one INSERT (PostgreSQL returns their ids in the order sent)."""
    return OrderLine.objects.bulk_create([_new_line(vendor, order, data) for data in lines])


def _sync_lines(
    vendor: Vendor, order: Order, existing_lines: list[OrderLine], lines: Sequence[LineData]
) -> tuple[list[OrderLine], bool]:
    """Bring the order's lines in line with ``lines``: the lines as they now are (by id), and
    whether anything changed. One statement each for removing, adding and changing lines."""
    existing = {line.sku: line for line in existing_lines}
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
    kept: list[OrderLine] = []
    added: list[OrderLine] = []
    dirty: list[OrderLine] = []
    for data in lines:
        line = existing.get(data.sku)
        if line is None:
            added.append(_new_line(vendor, order, data))
            continue
        if any(getattr(line, name) != getattr(data, name) for name in LINE_FIELDS):
            for name in LINE_FIELDS:
                setattr(line, name, getattr(data, name))
            dirty.append(line)
        kept.append(line)
    if dirty:
        OrderLine.objects.bulk_update(dirty, LINE_FIELDS)
    if added:
        OrderLine.objects.bulk_create(added)
    return sorted([*kept, *added], key=lambda line: line.pk), bool(gone or added or dirty)
