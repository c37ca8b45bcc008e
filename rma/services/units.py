"""Units by serial number: sent with order lines, uploaded in bulk, and replaced (with the
warranty the vendor's policy gives a replacement)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_countries import countries

from policies.vocabulary import DeadlineName
from rma.models import Order, OrderLine, Unit
from tenancy.models import Vendor

from .base import DomainError

MAX_UPLOAD_ROWS = 20_000
CSV_COLUMNS = ("order_number", "sku", "serial", "batch", "market")


@dataclass(frozen=True)
class UnitData:
    serial: str
    batch: str = ""
    market: str = ""


def _clean_serial(serial: str) -> str:
    serial = (serial or "").strip()
    if not serial:
        raise DomainError("A unit needs a serial number.", code="invalid")
    if len(serial) > 64:
        raise DomainError(f"Serial {serial[:64]}… is longer than 64 characters.", code="invalid")
    return serial


def _warranty(policy, line: OrderLine) -> tuple[datetime, datetime | None, str]:
    start = line.order.placed_at
    deadline = policy.unit_warranty_end(start, line.warranty_months)
    return start, (deadline.at if deadline else None), (deadline.rule_id if deadline else "")


def units_for_line(
    *, vendor: Vendor, line: OrderLine, units: Sequence[UnitData], source: str = Unit.Source.SHOP
) -> list[Unit]:
    """Create or update the units sold on ``line``, by serial (a resend changes nothing).

    A serial already sold on another order of this vendor is refused: the shop must say which
    order it belongs to, not move it silently.
    """
    return units_for_lines(vendor=vendor, lines=[(line, units)], source=source)[0]


def units_for_lines(
    *,
    vendor: Vendor,
    lines: Sequence[tuple[OrderLine, Sequence[UnitData]]],
    source: str = Unit.Source.SHOP,
) -> list[list[Unit]]:
    """``units_for_line`` for several lines at once, each line's units in its place.

    The statements do not grow with the lines or the units: one read of the serials (locking
    the rows that exist), one INSERT of the new units and one UPDATE of the changed ones.
    """
    checked = []
    for line, units in lines:
        if len(units) > line.quantity:
            raise DomainError(
                f"SKU {line.sku}: {len(units)} serial numbers for a quantity of {line.quantity}.",
                code="invalid",
            )
        serials = [_clean_serial(u.serial) for u in units]
        duplicates = sorted({s for s in serials if serials.count(s) > 1})
        if duplicates:
            raise DomainError(f"Serial {', '.join(duplicates)} is sent twice.", code="invalid")
        checked.append((line, units, serials))
    wanted = [serial for _line, _units, serials in checked for serial in serials]
    if not wanted:
        return [[] for _line in lines]
    existing = {
        u.serial: u
        for u in Unit.objects.select_for_update(of=("self",))
        .select_related("order_line__order")
        .filter(vendor=vendor, serial__in=wanted)
    }
    policy = vendor.get_policy()
    created: list[Unit] = []
    changed: dict[int, Unit] = {}
    changed_fields: set[str] = set()
    result = []
    for line, units, serials in checked:
        start, end, rule = _warranty(policy, line)
        saved = []
        for data, serial in zip(units, serials, strict=True):
            unit = existing.get(serial)
            if unit is not None and unit.order_line_id not in (None, line.pk):
                other = unit.order_line.order.number
                if unit.order_line.order_id != line.order_id:
                    raise DomainError(
                        f"Serial {serial} was sold on order {other}; it cannot be on "
                        f"order {line.order.number} too.",
                        code="serial_taken",
                    )
            values = {
                "order_line": line,
                "sku": line.sku,
                "batch": data.batch or (unit.batch if unit else ""),
                "market": data.market
                or (unit.market if unit else "")
                or line.order.country_of_purchase,
                "warranty_start": start,
                "warranty_end": end,
                "warranty_rule_id": rule,
            }
            if unit is None:
                unit = Unit(vendor=vendor, serial=serial, source=source, **values)
                created.append(unit)
                existing[serial] = unit
            else:
                names = [k for k, v in values.items() if getattr(unit, k) != v]
                if unit.replaces_id is not None:  # a replacement keeps its policy's warranty
                    names = [k for k in names if not k.startswith("warranty")]
                for name in names:
                    setattr(unit, name, values[name])
                if names and unit.pk is not None:
                    changed[unit.pk] = unit
                    changed_fields.update(names)
            saved.append(unit)
        result.append(saved)
    if created:
        Unit.objects.bulk_create(created)
    if changed:
        now = timezone.now()  # what auto_now does on save(), which bulk_update skips
        for unit in changed.values():
            unit.updated_at = now
        Unit.objects.bulk_update(list(changed.values()), [*sorted(changed_fields), "updated_at"])
    return result


@dataclass(frozen=True)
class UploadResult:
    created: int
    updated: int
    errors: list[str]


def units_upload_csv(*, vendor: Vendor, data: bytes) -> UploadResult:
    """Bulk units from a CSV with columns order_number, sku, serial[, batch, market].

    All or nothing: any bad row refuses the whole file, each error naming its row.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("The file is not UTF-8 text; save the CSV as UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        raise DomainError(
            f"The CSV needs the columns {', '.join(CSV_COLUMNS[:3])}; "
            f"missing: {', '.join(missing)}."
        )
    reader.fieldnames = header
    by_line: dict[tuple[str, str], list[UnitData]] = {}
    errors: list[str] = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_UPLOAD_ROWS:
            raise DomainError(f"At most {MAX_UPLOAD_ROWS} rows per file; split the file.")
        cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        get = cells.get
        market = cells.get("market", "").upper()
        if market and market not in dict(countries):
            errors.append(f"Row {number}: market {market} is not an ISO country code.")
            continue
        if not get("serial", ""):
            errors.append(f"Row {number}: no serial number.")
            continue
        by_line.setdefault((get("order_number", ""), get("sku", "")), []).append(
            UnitData(serial=get("serial", ""), batch=get("batch", "")[:64], market=market)
        )
    lines = {
        (line.order.number, line.sku): line
        for line in OrderLine.objects.select_related("order").filter(
            vendor=vendor, order__number__in={k[0] for k in by_line}
        )
    }
    for key in by_line:
        if key not in lines:
            errors.append(f"Order {key[0]} has no line with SKU {key[1]}.")
    if errors:
        raise DomainError(" ".join(errors[:20]), code="invalid")
    known = set(
        Unit.objects.filter(
            vendor=vendor, serial__in=[u.serial for us in by_line.values() for u in us]
        ).values_list("serial", flat=True)
    )
    try:
        with transaction.atomic():
            saved = units_for_lines(
                vendor=vendor,
                lines=[(lines[key], units) for key, units in by_line.items()],
                source=Unit.Source.UPLOAD,
            )
    except IntegrityError:
        raise DomainError(
            "A serial in the file was saved at the same moment elsewhere; upload again."
        ) from None
    total = sum(len(units) for units in saved)
    return UploadResult(created=total - len(known), updated=len(known), errors=[])


def unit_replace(*, unit: Unit, serial: str, at: datetime) -> Unit:
    """A new unit sent in place of ``unit``, carrying the warranty the policy gives it."""
    serial = _clean_serial(serial)
    if Unit.objects.filter(replaces=unit).exists():
        raise DomainError(f"Unit {unit.serial} has already been replaced.", code="invalid")
    if Unit.objects.filter(vendor_id=unit.vendor_id, serial=serial).exists():
        raise DomainError(f"Serial {serial} is already known; use a new unit's serial.")
    deadline = unit.vendor.get_policy().replacement_warranty_end(unit.warranty_end, at)
    return Unit.objects.create(
        vendor_id=unit.vendor_id,
        serial=serial,
        sku=unit.sku,
        market=unit.market,
        order_line=unit.order_line,
        warranty_start=at,
        warranty_end=deadline.at if deadline else unit.warranty_end,
        warranty_rule_id=deadline.rule_id if deadline else unit.warranty_rule_id,
        replaces=unit,
        source=Unit.Source.REPLACEMENT,
    )


def units_replace(
    *, vendor: Vendor, order: Order, serials: Mapping[str, str], at: datetime
) -> list[Unit]:
    """Replace units of ``order``: ``serials`` maps each replaced serial to the new one."""
    units = {
        u.serial: u
        for u in Unit.objects.select_for_update(of=("self",))
        .select_related("vendor")
        .filter(vendor=vendor, order_line__order=order, serial__in=list(serials))
    }
    unknown = sorted(set(serials) - set(units))
    if unknown:
        raise DomainError(
            f"Serial {', '.join(unknown)} is not a unit of order {order.number}.", code="invalid"
        )
    return [unit_replace(unit=units[old], serial=new, at=at) for old, new in serials.items()]


def replacement_chain(unit: Unit) -> Iterable[Unit]:
    """The units ``unit`` replaced, newest first."""
    seen = {unit.pk}
    current = unit
    while current.replaces_id is not None and current.replaces_id not in seen:
        current = Unit.objects.get(pk=current.replaces_id)
        seen.add(current.pk)
        yield current


@dataclass(frozen=True)
class ClaimedUnits:
    """The serials a claim names: units the vendor knows, and typed serials it does not."""

    units: list[Unit]
    unknown: list[str]

    @property
    def serials(self) -> list[str]:
        return [u.serial for u in self.units] + self.unknown


def current_units(line: OrderLine) -> list[Unit]:
    """The units of a line the customer holds now: a replaced unit gives way to its successor."""
    return list(Unit.objects.filter(order_line=line, replaced_by__isnull=True).order_by("serial"))


def claimed_units(
    *, order: Order, lines: Sequence[tuple[OrderLine, int]], serials: Sequence[str]
) -> ClaimedUnits:
    """The units a claim names, typed or picked; a line named by no serial whose units are
    exactly the quantity claimed names them all, so each unit's own history is judged.

    A serial the vendor does not know is kept as typed and flagged, not refused; a serial of
    another line or another order of the same customer is refused with what to do instead.
    """
    wanted = [_clean_serial(s) for s in serials]
    if len(set(wanted)) != len(wanted):
        raise DomainError("A serial number is named twice in the claim.", code="invalid")
    found = {
        u.serial: u
        for u in Unit.objects.filter(vendor_id=order.vendor_id, serial__in=wanted).select_related(
            "order_line__order"
        )
    }
    by_line = {line.pk: (line, qty) for line, qty in lines}
    named: dict[int, int] = {}
    units: list[Unit] = []
    unknown: list[str] = []
    for serial in wanted:
        unit = found.get(serial)
        if unit is None:
            unknown.append(serial)
            continue
        line = unit.order_line
        if line is not None and line.order_id == order.pk and line.pk not in by_line:
            raise DomainError(
                f"Serial {serial} was sold on another item of order {order.number}; "
                "pick that item too.",
                code="serial_not_on_order",
            )
        if (
            line is not None
            and line.order_id != order.pk
            and line.order.customer_id == order.customer_id
        ):
            raise DomainError(
                f"Serial {serial} was sold on your order {line.order.number}; "
                "start the claim from that order.",
                code="serial_not_on_order",
            )
        if line is not None and line.pk in by_line:
            named[line.pk] = named.get(line.pk, 0) + 1
        units.append(unit)
    for line_id, (line, qty) in by_line.items():
        if named.get(line_id, 0) > qty:
            raise DomainError(
                f"{named[line_id]} serial numbers named for {qty} × {line.name}; "
                "name one per unit claimed.",
                code="invalid",
            )
        # A typed serial we do not know may be this line's unit: guess nothing then.
        if line_id not in named and not unknown:
            held = current_units(line)
            if held and len(held) == qty:
                units.extend(u for u in held if u.serial not in found)
    return ClaimedUnits(units=units, unknown=unknown)


@dataclass(frozen=True)
class LineHistory:
    """What earlier claims on the same order lines did, for lines without known units."""

    fully_refunded: bool = False
    replaced_at: datetime | None = None
    original_warranty_end: datetime | None = None


def line_history(*, lines: Sequence[OrderLine]) -> LineHistory:
    """Replacement and refund facts from the order's own history, without the customer naming the
    earlier case: every unit of a claimed line refunded in full; or every claimed line sent
    as a replacement (the latest replacement counts)."""
    from rma.models import ReturnLine, ReturnRequest

    if not lines:
        return LineHistory()
    refunded = False
    replaced: list[ReturnRequest] = []
    for line in lines:
        full = (
            ReturnLine.objects.filter(order_line=line, request__refunded_at__isnull=False)
            .exclude(request__inspection_ratio__lt=1)
            .values_list("quantity", flat=True)
        )
        if sum(full) >= line.quantity:
            refunded = True
        latest = (
            ReturnRequest.objects.filter(lines__order_line=line, replaced_at__isnull=False)
            .order_by("-replaced_at")
            .first()
        )
        if latest is not None:
            replaced.append(latest)
    if len(replaced) != len(lines):
        return LineHistory(fully_refunded=refunded)
    latest = max(replaced, key=lambda rr: rr.replaced_at)
    original_end = None
    for deadline in latest.decision.get("deadlines", []):
        if deadline.get("name") == DeadlineName.WARRANTY_END:
            original_end = datetime.fromisoformat(deadline["at"])
    return LineHistory(
        fully_refunded=refunded, replaced_at=latest.replaced_at, original_warranty_end=original_end
    )
