"""The agents' dashboard for one vendor: open cases, SLA breaches this week, time to resolve,
returns by reason and SKU, return rate per SKU, refunds per month. About ten aggregate queries,
each over the vendor's rows in a bounded window; charts are server-drawn SVG (no script)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from rma.models import (
    ChangeStatus,
    OrderChangeRequest,
    OrderLine,
    ReturnLine,
    ReturnRequest,
    ReturnStatus,
    Scenario,
    SolutionStatus,
    WarrantySolution,
)
from rma.models.returns import RETURN_OPEN
from rma.models.solutions import SOLUTION_OPEN
from tenancy.models import Vendor

from .base import vendor_queryset

WINDOW_DAYS = 90
MONTHS = 12
TOP_SKUS = 10


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5); it takes intervals as well as numbers."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


@dataclass
class Bar:
    label: str
    value: float
    shown: str
    y: int = 0
    x: int = 0
    length: int = 0
    alt: bool = False


def bar_chart(rows: list[tuple[str, float, str]], *, width: int = 300, row: int = 26) -> dict:
    """Horizontal bars: label on the left, the bar scaled to the largest value, its figure."""
    top = max((value for _l, value, _s in rows), default=0) or 1
    bars = [
        Bar(
            label,
            value,
            shown,
            y=i * row,
            length=max(2, round(width * value / top)) if value else 0,
        )
        for i, (label, value, shown) in enumerate(rows)
    ]
    return {"bars": bars, "height": max(row, len(bars) * row), "width": width, "row": row}


def column_chart(rows: list[tuple[str, float, str]], *, height: int = 140, col: int = 60) -> dict:
    """Vertical columns over time (months, days), the figure above each column."""
    top = max((value for _l, value, _s in rows), default=0) or 1
    bars = []
    for i, (label, value, shown) in enumerate(rows):
        length = max(2, round(height * value / top)) if value else 0
        bars.append(Bar(label, value, shown, x=i * col, y=height - length + 20, length=length))
    return {"bars": bars, "height": height, "width": max(col, len(bars) * col), "col": col}


def _vendor(request: HttpRequest) -> tuple[Vendor, list[Vendor]]:
    vendors = list(vendor_queryset(request))
    if not vendors:
        raise Http404("You work for no vendor.")
    wanted = request.GET.get("vendor", "")
    chosen = next((v for v in vendors if str(v.pk) == wanted), vendors[0])
    return chosen, vendors


def _humanise(delta: timedelta | None) -> str:
    if delta is None:
        return "—"
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def dashboard_data(vendor: Vendor, *, now: datetime | None = None) -> dict[str, Any]:
    """Every figure of the dashboard for ``vendor``; the caller has checked membership."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(vendor.time_zone)
    now = now or timezone.now()
    local = now.astimezone(tz)
    week_start = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    since = now - timedelta(days=WINDOW_DAYS)
    returns = ReturnRequest.objects.filter(vendor=vendor)

    # 1. open cases by status (three grouped counts)
    open_rows: list[tuple[str, float, str]] = []
    labels = dict(ReturnStatus.choices)
    for row in (
        returns.filter(status__in=sorted(RETURN_OPEN)).values("status").annotate(n=Count("id"))
    ):
        open_rows.append((f"Return: {labels[row['status']]}", row["n"], str(row["n"])))
    labels = {**dict(SolutionStatus.choices), SolutionStatus.PENDING_CONFIRM: "Awaiting customer"}
    for row in (
        WarrantySolution.objects.filter(vendor=vendor, status__in=sorted(SOLUTION_OPEN))
        .values("status")
        .annotate(n=Count("id"))
    ):
        open_rows.append((f"Solution: {labels[row['status']]}", row["n"], str(row["n"])))
    changes = OrderChangeRequest.objects.filter(
        vendor=vendor, status=ChangeStatus.REQUESTED
    ).count()
    if changes:
        open_rows.append(("Order change: requested", changes, str(changes)))
    open_total = sum(int(r[1]) for r in open_rows)

    # 2. SLA breaches this week, per day (vendor time)
    per_day = {
        row["day"]: row["n"]
        for row in returns.filter(sla_breached_at__gte=week_start)
        .annotate(day=TruncDate("sla_breached_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
    }
    days = [(week_start + timedelta(days=i)).date() for i in range(7)]
    breach_rows = [(d.strftime("%a %d"), per_day.get(d, 0), str(per_day.get(d, 0))) for d in days]
    breaches = sum(per_day.values())

    # 3. median time to resolve (requested -> refunded, replaced or closed), last 90 days
    resolved_at = Coalesce("refunded_at", "replaced_at", "closed_at")
    resolved = (
        returns.annotate(resolved_at=resolved_at)
        .filter(resolved_at__gte=since)
        .aggregate(
            n=Count("id"),
            median=Median(
                ExpressionWrapper(
                    F("resolved_at") - F("requested_at"), output_field=DurationField()
                ),
                output_field=DurationField(),
            ),
        )
    )

    # 4. returns by reason, last 90 days
    scenario_labels = dict(Scenario.choices)
    reason_rows = [
        (str(scenario_labels.get(row["scenario"], row["scenario"])), row["n"], str(row["n"]))
        for row in returns.filter(requested_at__gte=since)
        .values("scenario")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]

    # 5. returned units by SKU, and the return rate of units sold in the same orders
    returned = list(
        ReturnLine.objects.filter(vendor=vendor, order_line__order__placed_at__gte=since)
        .values(sku=F("order_line__sku"))
        .annotate(units=Sum("quantity"))
        .order_by("-units", "sku")[:TOP_SKUS]
    )
    skus = [row["sku"] for row in returned]
    sold = {
        row["sku"]: row["units"]
        for row in OrderLine.objects.filter(
            vendor=vendor, sku__in=skus, order__placed_at__gte=since
        )
        .values("sku")
        .annotate(units=Sum("quantity"))
    }
    sku_rows = [(row["sku"], row["units"], f"{row['units']} units") for row in returned]
    rate_rows = []
    for row in returned:
        total = sold.get(row["sku"]) or 0
        rate = (row["units"] / total * 100) if total else 0.0
        rate_rows.append((row["sku"], rate, f"{rate:.1f}% ({row['units']}/{total})"))
    rate_rows.sort(key=lambda r: -r[1])

    # 6. refunds per month (returns refunded, solutions completed with a refund), by currency
    first_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _i in range(MONTHS - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for row in (
        returns.filter(refunded_at__gte=first_month, refund_amount__isnull=False)
        .annotate(month=TruncMonth("refunded_at", tzinfo=tz))
        .values("month", currency=F("order__currency"))
        .annotate(total=Sum("refund_amount"))
    ):
        totals[row["currency"]][row["month"].date()] += row["total"]
    for row in (
        WarrantySolution.objects.filter(
            Q(refund_amount__gt=0), vendor=vendor, completed_at__gte=first_month
        )
        .annotate(month=TruncMonth("completed_at", tzinfo=tz))
        .values("month", "currency")
        .annotate(total=Sum("refund_amount"))
    ):
        totals[row["currency"]][row["month"].date()] += row["total"]
    months = []
    cursor = first_month.date()
    for _i in range(MONTHS):
        months.append(cursor)
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    refunds = [
        {
            "currency": currency,
            "total": sum(by_month.values(), Decimal("0")),
            "chart": column_chart(
                [
                    (m.strftime("%b %y"), float(by_month.get(m, 0)), f"{by_month.get(m, 0):,.0f}")
                    for m in months
                ]
            ),
        }
        for currency, by_month in sorted(totals.items())
    ]
    return {
        "tz_name": vendor.time_zone,
        "now": local,
        "window_days": WINDOW_DAYS,
        "open_total": open_total,
        "open_chart": bar_chart(open_rows),
        "breaches": breaches,
        "breach_chart": column_chart(breach_rows, height=100, col=80),
        "week_start": week_start,
        "resolved_count": resolved["n"],
        "median_resolve": _humanise(resolved["median"]),
        "reason_chart": bar_chart(reason_rows),
        "sku_chart": bar_chart(sku_rows),
        "rate_chart": bar_chart(rate_rows),
        "refunds": refunds,
    }


def dashboard_view(model_admin, request: HttpRequest) -> TemplateResponse:
    vendor, vendors = _vendor(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Dashboard: {vendor.name}",
        "vendor": vendor,
        "vendors": vendors,
        **dashboard_data(vendor),
    }
    return TemplateResponse(request, "admin/rma/dashboard.html", context)
