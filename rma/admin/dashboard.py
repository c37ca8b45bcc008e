"""The agents' dashboard for one vendor: open cases, SLA breaches this week, time to resolve,
returns by reason and SKU, return rate per SKU, refunds per month, claims by SKU and batch.

Every figure is read from the rollups the services keep (``rma/models/rollups.py``): a handful
of queries over at most days x dimension values rows, the same at a thousand cases as at a
million. Charts are server-drawn SVG (no script)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rma.models import (
    ChangeStatus,
    ClaimDay,
    RefundDay,
    ResolutionDay,
    ReturnDay,
    ReturnStatus,
    Scenario,
    SkuDay,
    SolutionStatus,
    StatusCount,
)
from rma.models.rollups import CaseKind
from rma.services.rollups import RESOLUTION_PRECISION, bucket_minutes, open_statuses
from tenancy.models import Vendor

from .base import vendor_queryset

WINDOW_DAYS = 90
MONTHS = 12
TOP_SKUS = 10
TOP_BATCHES = 10


@dataclass
class Bar:
    label: str
    value: float
    shown: str
    y: int = 0
    x: int = 0
    length: int = 0
    alt: bool = False


def bar_chart(rows: list[tuple[str, float, str]], *, width: int = 240, row: int = 26) -> dict:
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
        return _("%(hours)s h") % {"hours": formats.number_format(hours, 1)}
    return _("%(days)s days") % {"days": formats.number_format(hours / 24, 1)}


def median_minutes(histogram: dict[int, int]) -> float | None:
    """The median of a resolution-time histogram (bucket -> count), as percentile_cont would
    take it (the middle value, or the mean of the two middle ones), each value read as its
    bucket's geometric middle: within ``RESOLUTION_PRECISION`` of the exact figure."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total + 1) // 2, total // 2 + 1]  # 1-based ranks of the middle value(s)
    found: list[float] = []
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        while len(found) < 2 and seen >= wanted[len(found)]:
            found.append(bucket_minutes(bucket))
    return sum(found) / 2


def _month_starts(local: datetime) -> list[date]:
    first = local.date().replace(day=1)
    months = [first]
    for _i in range(MONTHS - 1):
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def dashboard_data(vendor: Vendor, *, now: datetime | None = None) -> dict[str, Any]:
    """Every figure of the dashboard for ``vendor``; the caller has checked membership."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(vendor.time_zone)
    now = now or timezone.now()
    local = now.astimezone(tz)
    today = local.date()
    week_start = today - timedelta(days=today.weekday())
    since = today - timedelta(days=WINDOW_DAYS - 1)

    # 1. open cases by status: the current count of each open status
    counts = {
        (row.kind, row.status): row.cases
        for row in StatusCount.objects.filter(vendor=vendor, cases__gt=0)
    }
    labels = {
        CaseKind.RETURN: (_("Return"), dict(ReturnStatus.choices)),
        CaseKind.SOLUTION: (
            _("Solution"),
            {
                **dict(SolutionStatus.choices),
                SolutionStatus.PENDING_CONFIRM: gettext_lazy("Awaiting customer"),
            },
        ),
        CaseKind.ORDER_CHANGE: (_("Order change"), dict(ChangeStatus.choices)),
    }
    open_rows: list[tuple[str, float, str]] = []
    for kind, status in open_statuses():
        n = counts.get((kind, status), 0)
        if n:
            prefix, names = labels[kind]
            open_rows.append((f"{prefix}: {names[status]}", n, f"{n:,}"))
    open_total = sum(int(r[1]) for r in open_rows)

    # 2. SLA breaches this week, per day (vendor time)
    per_day = {
        row["day"]: row["n"]
        for row in ReturnDay.objects.filter(vendor=vendor, day__gte=week_start, sla_breaches__gt=0)
        .values("day")
        .annotate(n=Sum("sla_breaches"))
    }
    days = [week_start + timedelta(days=i) for i in range(7)]
    # Weekday and month names in the reader's language (strftime would write English).
    breach_rows = [
        (formats.date_format(d, "D d"), per_day.get(d, 0), f"{per_day.get(d, 0):,}") for d in days
    ]
    breaches = sum(per_day.values())

    # 3. median time to resolve, from the resolution-time histogram of the window
    histogram = {
        row["bucket"]: row["n"]
        for row in ResolutionDay.objects.filter(vendor=vendor, day__gte=since)
        .values("bucket")
        .annotate(n=Sum("resolved"))
    }
    median = median_minutes(histogram)

    # 4. returns by reason
    scenario_labels = dict(Scenario.choices)
    reason_rows = [
        (str(scenario_labels.get(row["scenario"], row["scenario"])), row["n"], f"{row['n']:,}")
        for row in ReturnDay.objects.filter(vendor=vendor, day__gte=since, requested__gt=0)
        .values("scenario")
        .annotate(n=Sum("requested"))
        .order_by("-n", "scenario")
    ]

    # 5. returned units by SKU, and the return rate of the units sold in the same orders
    returned = list(
        SkuDay.objects.filter(vendor=vendor, day__gte=since)
        .values("sku")
        .annotate(units=Sum("returned_units"), sold=Sum("sold_units"))
        .filter(units__gt=0)
        .order_by("-units", "sku")[:TOP_SKUS]
    )
    sku_rows = [
        (
            row["sku"],
            row["units"],
            ngettext("%(units)s unit", "%(units)s units", row["units"])
            % {"units": f"{row['units']:,}"},
        )
        for row in returned
    ]
    rate_rows = []
    for row in returned:
        total = row["sold"] or 0
        rate = (row["units"] / total * 100) if total else 0.0
        rate_rows.append((row["sku"], rate, f"{rate:.1f}% ({row['units']:,}/{total:,})"))
    rate_rows.sort(key=lambda r: -r[1])

    # 6. refunds per month (returns refunded, solutions completed with a refund), by currency
    months = _month_starts(local)
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for row in (
        RefundDay.objects.filter(vendor=vendor, day__gte=months[0])
        .values("day", "currency")
        .annotate(total=Sum("amount"))
    ):
        totals[row["currency"]][row["day"].replace(day=1)] += row["total"]
    refunds = [
        {
            "currency": currency,
            "total": sum(by_month.values(), Decimal("0")),
            "chart": column_chart(
                [
                    (
                        formats.date_format(m, "M y"),
                        float(by_month.get(m, 0)),
                        f"{by_month.get(m, 0):,.0f}",
                    )
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
        "open_total_shown": f"{open_total:,}",
        "breaches_shown": f"{breaches:,}",
        "resolved_shown": f"{sum(histogram.values()):,}",
        "open_chart": bar_chart(open_rows),
        "breaches": breaches,
        "breach_chart": column_chart(breach_rows, height=100, col=80),
        "week_start": week_start,
        "resolved_count": sum(histogram.values()),
        "median_resolve": _humanise(timedelta(minutes=median) if median is not None else None),
        "median_precision": f"{RESOLUTION_PRECISION * 100:.1f}",
        "reason_chart": bar_chart(reason_rows),
        "sku_chart": bar_chart(sku_rows),
        "rate_chart": bar_chart(rate_rows),
        "refunds": refunds,
        "claims": claims_by_batch(vendor, since=since),
        "top_batches": TOP_BATCHES,
    }


@dataclass
class BatchClaims:
    sku: str
    batch: str
    claims: int
    reasons: list[tuple[str, int]]
    width: int = 0

    @property
    def shown(self) -> str:
        return f"{self.claims:,}"


def claims_by_batch(vendor: Vendor, *, since: date, top: int = TOP_BATCHES) -> list[BatchClaims]:
    """The SKU x production batch combinations with the most claimed units since ``since``,
    each with its claims by reason, most first; a bar width (of 160) for the table."""
    scenario_labels = dict(Scenario.choices)
    combos: dict[tuple[str, str], BatchClaims] = {}
    for row in (
        ClaimDay.objects.filter(vendor=vendor, day__gte=since, claims__gt=0)
        .values("sku", "batch", "scenario")
        .annotate(n=Sum("claims"))
    ):
        combo = combos.setdefault(
            (row["sku"], row["batch"]), BatchClaims(row["sku"], row["batch"], 0, [])
        )
        combo.claims += row["n"]
        combo.reasons.append((str(scenario_labels.get(row["scenario"], row["scenario"])), row["n"]))
    ranked = sorted(combos.values(), key=lambda c: (-c.claims, c.sku, c.batch))[:top]
    most = max((c.claims for c in ranked), default=0) or 1
    for combo in ranked:
        combo.reasons.sort(key=lambda r: (-r[1], r[0]))
        combo.width = max(2, round(160 * combo.claims / most))
    return ranked


def dashboard_view(model_admin, request: HttpRequest) -> TemplateResponse:
    vendor, vendors = _vendor(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Dashboard: %(vendor)s") % {"vendor": vendor.name},
        "vendor": vendor,
        "vendors": vendors,
        **dashboard_data(vendor),
    }
    return TemplateResponse(request, "admin/rma/dashboard.html", context)
