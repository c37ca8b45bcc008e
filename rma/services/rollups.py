"""Keeping the dashboard's rollups (``rma/models/rollups.py``) in step with the cases.

Two ways in, both inside the state change's transaction:

- ``on_event(event, subject)``, called by the audit writer for every event, so every service
  that changes a case's state (and therefore writes an event) moves the counters with it;
- ``order_units_moved``, from the order upsert, for the units sold per SKU.

Counters are added to with one ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` per
table and event: atomic under concurrent writers, and rows are written in key order so two
transactions never wait for each other in a circle. ``rollups_rebuild`` recomputes a vendor's
rows from the cases (for a bulk import or a data repair), ``rollups_drift`` says where the
stored rows differ from that.
"""

from __future__ import annotations

import math
import threading
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import NotSupportedError, connection
from django.utils import timezone

from rma.models import (
    ChangeStatus,
    Event,
    ReturnLine,
    ReturnRequest,
    ReturnStatus,
    ReturnUnit,
    SolutionStatus,
    WarrantySolution,
)
from rma.models.orders import Order
from rma.models.returns import RETURN_OPEN
from rma.models.rollups import (
    ROLLUP_MODELS,
    CaseKind,
    ClaimDay,
    RefundDay,
    ResolutionDay,
    ReturnDay,
    SkuDay,
    StatusCount,
)
from tenancy.models import Vendor

R = ReturnStatus
# A return is resolved when it first leaves the open statuses with an outcome and a time stamp
# (refunded_at, replaced_at or closed_at); a rejection has neither and is not a resolution.
RESOLVED = frozenset({R.REFUNDED, R.REPLACED, R.CLOSED, R.CANCELLED, R.WAIVED})

# Resolution-time buckets grow by 2**(1/8) (about 9 %): bucket b holds [2**(b/8), 2**((b+1)/8))
# minutes, and its geometric middle is within 2**(1/16) - 1 (4.4 %) of every value in it.
BUCKETS_PER_DOUBLING = 8
RESOLUTION_PRECISION = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1


def resolution_bucket(duration: timedelta) -> int:
    minutes = duration.total_seconds() / 60
    if minutes <= 1:
        return 0
    return min(32767, math.floor(BUCKETS_PER_DOUBLING * math.log2(minutes)))


def bucket_minutes(bucket: int) -> float:
    """The geometric middle of a bucket, in minutes."""
    return 2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING)


def local_day(moment: datetime, tz_name: str) -> date:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(tz_name)).date()


# --- writing -----------------------------------------------------------------------------------

KEYS: dict[type, tuple[str, ...]] = {
    StatusCount: ("kind", "status"),
    ReturnDay: ("day", "scenario"),
    ResolutionDay: ("day", "bucket"),
    SkuDay: ("day", "sku"),
    RefundDay: ("day", "currency"),
    ClaimDay: ("day", "sku", "batch", "scenario"),
}
COUNTERS: dict[type, tuple[str, ...]] = {
    StatusCount: ("cases",),
    ReturnDay: ("requested", "sla_breaches"),
    ResolutionDay: ("resolved",),
    SkuDay: ("sold_units", "returned_units"),
    RefundDay: ("refunds", "amount"),
    ClaimDay: ("claims",),
}


_batch = threading.local()


@contextmanager
def batched() -> Iterator[None]:
    """Add up every ``bump`` inside the block and write each table's sum in one statement at
    its end (a sweep's batch of cases moves one set of counters, not one per case)."""
    if getattr(_batch, "pending", None) is not None:  # already inside a batch: it writes
        yield
        return
    pending: dict[tuple[type, int], dict[tuple, dict[str, Any]]] = {}
    _batch.pending = pending
    try:
        yield
    finally:
        _batch.pending = None
    # Tables in a fixed order (and keys sorted by ``_write``), so concurrent writers never wait
    # for each other in a circle.
    for model, vendor_id in sorted(pending, key=lambda k: (k[0]._meta.db_table, k[1])):
        _write(model, vendor_id, pending[(model, vendor_id)])


def bump(model: type, vendor_id: int, rows: Mapping[tuple, Mapping[str, Any]]) -> None:
    """Add each row's increments to its counters (keyed as ``KEYS[model]``), in one statement
    (or, inside ``batched()``, to the batch's sums)."""
    pending = getattr(_batch, "pending", None)
    if pending is None:
        _write(model, vendor_id, rows)
        return
    sums = pending.setdefault((model, vendor_id), {})
    for key, increments in rows.items():
        row = sums.setdefault(key, {})
        for name, value in increments.items():
            row[name] = row.get(name, 0) + value


def _write(model: type, vendor_id: int, rows: Mapping[tuple, Mapping[str, Any]]) -> None:
    keys, counters = KEYS[model], COUNTERS[model]
    values = []
    for key in sorted(rows, key=lambda k: tuple(str(part) for part in k)):
        increments = rows[key]
        if not any(increments.get(name) for name in counters):
            continue
        values.append((vendor_id, *key, *(increments.get(name, 0) for name in counters)))
    if not values:
        return
    columns = ("vendor_id", *keys, *counters)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(values))
    updates = ", ".join(f"{c} = {model._meta.db_table}.{c} + excluded.{c}" for c in counters)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES {placeholders} "
        f"ON CONFLICT (vendor_id, {', '.join(keys)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [part for row in values for part in row])


def _kind(subject: Any) -> str:
    if isinstance(subject, ReturnRequest):
        return CaseKind.RETURN
    if isinstance(subject, WarrantySolution):
        return CaseKind.SOLUTION
    return CaseKind.ORDER_CHANGE


def on_event(event: Event, subject: Any) -> None:
    """Move the counters an event changes; called in the event's transaction."""
    vendor_id = subject.vendor_id
    if event.to_status and event.to_status != event.from_status:
        moves: dict[tuple, dict[str, int]] = defaultdict(lambda: {"cases": 0})
        moves[(_kind(subject), event.to_status)]["cases"] += 1
        if event.from_status:
            moves[(_kind(subject), event.from_status)]["cases"] -= 1
        bump(StatusCount, vendor_id, moves)
    if isinstance(subject, ReturnRequest):
        _return_event(event, subject)
    elif (
        isinstance(subject, WarrantySolution)
        and event.to_status == SolutionStatus.COMPLETED
        and subject.refund_amount > 0
    ):
        _refund(subject, subject.completed_at, subject.currency, subject.refund_amount)


def _return_event(event: Event, rr: ReturnRequest) -> None:
    tz = rr.vendor.time_zone
    if event.action == "requested" and not event.from_status:
        bump(
            ReturnDay,
            rr.vendor_id,
            {(local_day(rr.requested_at, tz), rr.scenario): {"requested": 1}},
        )
        _returned_units(rr, tz)
        _claims(rr, tz)
    elif event.action == "review_overdue" and rr.sla_breached_at is not None:
        day = local_day(rr.sla_breached_at, tz)
        bump(ReturnDay, rr.vendor_id, {(day, rr.scenario): {"sla_breaches": 1}})
    if event.from_status in RETURN_OPEN and event.to_status in RESOLVED:
        resolved_at = rr.refunded_at or rr.replaced_at or rr.closed_at
        if resolved_at is not None:
            bucket = resolution_bucket(resolved_at - rr.requested_at)
            bump(
                ResolutionDay, rr.vendor_id, {(local_day(resolved_at, tz), bucket): {"resolved": 1}}
            )
    if event.to_status == R.REFUNDED and rr.refund_amount is not None:
        currency = Order.objects.filter(pk=rr.order_id).values_list("currency", flat=True).get()
        _refund(rr, rr.refunded_at, currency, rr.refund_amount)


def _refund(subject: Any, at: datetime, currency: str, amount: Decimal) -> None:
    day = local_day(at, subject.vendor.time_zone)
    bump(RefundDay, subject.vendor_id, {(day, currency): {"refunds": 1, "amount": amount}})


def _returned_units(rr: ReturnRequest, tz: str) -> None:
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: {"returned_units": 0})
    for sku, placed_at, quantity in ReturnLine.objects.filter(request=rr).values_list(
        "order_line__sku", "order_line__order__placed_at", "quantity"
    ):
        rows[(local_day(placed_at, tz), sku)]["returned_units"] += quantity
    bump(SkuDay, rr.vendor_id, rows)


def _claims(rr: ReturnRequest, tz: str) -> None:
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: {"claims": 0})
    day = local_day(rr.requested_at, tz)
    # A typed serial the vendor does not know has no unit: counted with an empty SKU and batch.
    for sku, batch in ReturnUnit.objects.filter(request=rr).values_list("unit__sku", "unit__batch"):
        rows[(day, sku or "", batch or "", rr.scenario)]["claims"] += 1
    bump(ClaimDay, rr.vendor_id, rows)


def order_units_moved(
    *,
    vendor: Vendor,
    before_day: date | None,
    before: Mapping[str, int],
    after_day: date,
    after: Mapping[str, int],
    returned: Mapping[str, int] | None = None,
) -> None:
    """What an order upsert changes in ``SkuDay``, from what it read and wrote, in one statement.

    ``before`` and ``after`` are the order's units sold per SKU, counted on the local day it was
    placed before (None: a new order) and after; ``returned`` its units returned per SKU, which
    an upsert never changes but moves with the order's day. Nothing is read here: the upsert
    has the order's lines in hand already.
    """
    returned = returned or {}
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: {"sold_units": 0, "returned_units": 0})
    if before_day is not None:
        for sku, quantity in before.items():
            row = rows[(before_day, sku)]
            row["sold_units"] -= quantity
            row["returned_units"] -= returned.get(sku, 0)
    for sku, quantity in after.items():
        row = rows[(after_day, sku)]
        row["sold_units"] += quantity
        row["returned_units"] += returned.get(sku, 0)
    bump(SkuDay, vendor.pk, rows)


# --- rebuilding and checking -------------------------------------------------------------------

LOCAL = "(({col}) AT TIME ZONE %(tz)s)::date"
REBUILD_SQL: dict[type, str] = {
    StatusCount: """
        SELECT 'return', status, count(*) FROM rma_returnrequest WHERE vendor_id = %(v)s
        GROUP BY status
        UNION ALL
        SELECT 'solution', status, count(*) FROM rma_warrantysolution WHERE vendor_id = %(v)s
        GROUP BY status
        UNION ALL
        SELECT 'order_change', status, count(*) FROM rma_orderchangerequest
        WHERE vendor_id = %(v)s GROUP BY status
    """,
    ReturnDay: f"""
        SELECT day, scenario, sum(requested), sum(breached) FROM (
            SELECT {LOCAL.format(col="requested_at")} AS day, scenario, 1 AS requested,
                   0 AS breached
            FROM rma_returnrequest WHERE vendor_id = %(v)s
            UNION ALL
            SELECT {LOCAL.format(col="sla_breached_at")}, scenario, 0, 1
            FROM rma_returnrequest WHERE vendor_id = %(v)s AND sla_breached_at IS NOT NULL
        ) AS t GROUP BY day, scenario
    """,
    ResolutionDay: f"""
        SELECT {LOCAL.format(col="resolved_at")} AS day,
               CASE WHEN minutes <= 1 THEN 0
                    ELSE least(32767, floor({BUCKETS_PER_DOUBLING} * log(2, minutes::numeric)))
               END AS bucket,
               count(*)
        FROM (
            SELECT coalesce(refunded_at, replaced_at, closed_at) AS resolved_at,
                   extract(epoch FROM coalesce(refunded_at, replaced_at, closed_at)
                                      - requested_at) / 60 AS minutes
            FROM rma_returnrequest
            WHERE vendor_id = %(v)s AND status = ANY(%(resolved)s)
              AND coalesce(refunded_at, replaced_at, closed_at) IS NOT NULL
        ) AS t GROUP BY 1, 2
    """,
    SkuDay: f"""
        SELECT day, sku, sum(sold), sum(returned) FROM (
            SELECT {LOCAL.format(col="o.placed_at")} AS day, l.sku, l.quantity AS sold,
                   0 AS returned
            FROM rma_orderline l JOIN rma_order o ON o.id = l.order_id
            WHERE l.vendor_id = %(v)s
            UNION ALL
            SELECT {LOCAL.format(col="o.placed_at")}, l.sku, 0, r.quantity
            FROM rma_returnline r JOIN rma_orderline l ON l.id = r.order_line_id
            JOIN rma_order o ON o.id = l.order_id
            WHERE r.vendor_id = %(v)s
        ) AS t GROUP BY day, sku
    """,
    RefundDay: f"""
        SELECT day, currency, sum(refunds), sum(amount) FROM (
            SELECT {LOCAL.format(col="r.refunded_at")} AS day, o.currency, 1 AS refunds,
                   r.refund_amount AS amount
            FROM rma_returnrequest r JOIN rma_order o ON o.id = r.order_id
            WHERE r.vendor_id = %(v)s AND r.refunded_at IS NOT NULL
              AND r.refund_amount IS NOT NULL
            UNION ALL
            SELECT {LOCAL.format(col="completed_at")}, currency, 1, refund_amount
            FROM rma_warrantysolution
            WHERE vendor_id = %(v)s AND status = 'completed' AND refund_amount > 0
        ) AS t GROUP BY day, currency
    """,
    ClaimDay: f"""
        SELECT {LOCAL.format(col="r.requested_at")}, coalesce(u.sku, ''), coalesce(u.batch, ''),
               r.scenario, count(*)
        FROM rma_returnunit c JOIN rma_returnrequest r ON r.id = c.request_id
        LEFT JOIN rma_unit u ON u.id = c.unit_id
        WHERE c.vendor_id = %(v)s GROUP BY 1, 2, 3, 4
    """,
}


def _params(vendor: Vendor) -> dict[str, Any]:
    return {"v": vendor.pk, "tz": vendor.time_zone, "resolved": sorted(RESOLVED)}


def rollups_rebuild(*, vendor: Vendor) -> dict[str, int]:
    """Recompute the vendor's rollups from its cases and orders; rows written per table.

    One grouped query per table over all of the vendor's rows: for a back-fill or a repair,
    not for a request. Run it in a transaction (the management command does) so the dashboard
    never sees a half-built set.
    """
    if connection.vendor != "postgresql":
        raise NotSupportedError(
            "Rebuilding the dashboard counters needs PostgreSQL (time-zone days in SQL); "
            f"this database is {connection.vendor}."
        )
    written = {}
    params = _params(vendor)
    with connection.cursor() as cursor:
        for model in ROLLUP_MODELS:
            table = model._meta.db_table
            columns = ("vendor_id", *KEYS[model], *COUNTERS[model])
            cursor.execute(f"DELETE FROM {table} WHERE vendor_id = %(v)s", params)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT %(v)s, t.* FROM ({REBUILD_SQL[model]}) AS t",
                params,
            )
            written[table] = cursor.rowcount
    return written


def _rows(sql: str, params: Mapping[str, Any], keys: int) -> dict[tuple, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {}
        for row in cursor.fetchall():
            values = tuple(Decimal(v) if isinstance(v, Decimal) else int(v) for v in row[keys:])
            if any(values):
                found[tuple(str(part) for part in row[:keys])] = values
        return found


def rollups_drift(*, vendor: Vendor) -> list[str]:
    """Where the stored rollups differ from a direct aggregate of the cases: empty when right."""
    params = _params(vendor)
    problems = []
    for model in ROLLUP_MODELS:
        keys, counters = KEYS[model], COUNTERS[model]
        stored = _rows(
            f"SELECT {', '.join((*keys, *counters))} FROM {model._meta.db_table} "
            "WHERE vendor_id = %(v)s",
            params,
            len(keys),
        )
        direct = _rows(REBUILD_SQL[model], params, len(keys))
        for key in sorted({*stored, *direct}):
            if stored.get(key) != direct.get(key):
                problems.append(
                    f"{model.__name__} {dict(zip(keys, key, strict=True))}: stored "
                    f"{stored.get(key)}, from the cases {direct.get(key)}"
                )
    return problems


def open_statuses() -> Iterable[tuple[str, str]]:
    """The (kind, status) pairs the dashboard counts as open."""
    from rma.models.solutions import SOLUTION_OPEN

    yield from ((CaseKind.RETURN, s) for s in sorted(RETURN_OPEN))
    yield from ((CaseKind.SOLUTION, s) for s in sorted(SOLUTION_OPEN))
    yield CaseKind.ORDER_CHANGE, ChangeStatus.REQUESTED
