"""Reads for the API: each lists one vendor's rows, filtered the way the endpoints document."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db.models import Q, QuerySet

from rma.models import (
    CatalogProduct,
    Evidence,
    Order,
    OrderLine,
    Resolution,
    ReturnRequest,
    Unit,
    WarrantySolution,
)
from tenancy.models import Vendor

# An order's fulfilment status, derived from its dates: what the shop has done with it.
ORDER_STATUSES = ("placed", "shipped", "delivered")


def order_list(
    *, vendor: Vendor, filters: Mapping[str, object] | None = None, with_lines: bool = True
) -> QuerySet[Order]:
    """A vendor's orders with their customer; with their lines and units prefetched, unless
    the caller attaches them to one page itself (``attach_lines``)."""
    filters = filters or {}
    qs = Order.objects.filter(vendor=vendor).select_related("customer")
    if with_lines:
        qs = qs.prefetch_related("lines", "lines__units")
    qs = _common(qs, filters, email_field="customer__email")
    status = filters.get("status")
    if status == "delivered":
        qs = qs.filter(delivered_at__isnull=False)
    elif status == "shipped":
        qs = qs.filter(shipped_at__isnull=False, delivered_at__isnull=True)
    elif status == "placed":
        qs = qs.filter(shipped_at__isnull=True)
    return qs


def attach_lines(orders: list[Order]) -> list[Order]:
    """Each order's lines and each line's units, in two queries, as ``order.lines.all()`` and
    ``line.units.all()`` then answer them.

    What ``prefetch_related`` stores, without what it costs: for every order and every line it
    builds a filtered queryset (``_apply_rel_filters``) only to hold the fetched rows, which
    took as long as the rest of a page of 50 orders.
    """
    if not orders:
        return orders
    lines = list(OrderLine.objects.filter(order_id__in=[o.pk for o in orders]))
    units: dict[int, list[Unit]] = {line.pk: [] for line in lines}
    if lines:
        for unit in Unit.objects.filter(order_line_id__in=list(units)):
            units[unit.order_line_id].append(unit)
    by_order: dict[int, list[OrderLine]] = {order.pk: [] for order in orders}
    for line in lines:
        line._prefetched_objects_cache = {"units": units[line.pk]}
        by_order[line.order_id].append(line)
    for order in orders:
        order._prefetched_objects_cache = {"lines": by_order[order.pk]}
    return orders


def order_get(*, vendor: Vendor, number: str) -> Order | None:
    return order_list(vendor=vendor).filter(number=number).first()


def solution_list(
    *, vendor: Vendor, filters: Mapping[str, object] | None = None
) -> QuerySet[WarrantySolution]:
    filters = filters or {}
    qs = (
        WarrantySolution.objects.filter(vendor=vendor)
        .select_related("order", "order__customer", "vendor")
        .prefetch_related("lines", "resolutions__order_line")
    )
    qs = _common(qs, filters, email_field="order__customer__email")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("order"):
        qs = qs.filter(order__number=filters["order"])
    return qs


def return_list(
    *, vendor: Vendor, filters: Mapping[str, object] | None = None
) -> QuerySet[ReturnRequest]:
    filters = filters or {}
    qs = (
        ReturnRequest.objects.filter(vendor=vendor)
        .select_related(
            "order",
            "customer",
            "vendor",
            "follows",
            "exchange__order_line",
            "exchange__variant__product",
        )
        .prefetch_related("lines__order_line", "resolutions__order_line")
    )
    qs = _common(qs, filters, email_field="customer__email")
    for name in ("status", "scenario"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("order"):
        qs = qs.filter(order__number=filters["order"])
    if filters.get("rma_number"):
        qs = qs.filter(rma_number=filters["rma_number"])
    return qs


def product_list(
    *, vendor: Vendor, filters: Mapping[str, object] | None = None
) -> QuerySet[CatalogProduct]:
    filters = filters or {}
    qs = CatalogProduct.objects.filter(vendor=vendor).prefetch_related("variants")
    updated_since = filters.get("updated_since")
    if isinstance(updated_since, datetime):
        qs = qs.filter(updated_at__gte=updated_since)
    if filters.get("active") is not None:
        qs = qs.filter(active=filters["active"])
    return qs


def resolution_list(*, vendor: Vendor) -> QuerySet[Resolution]:
    return (
        Resolution.objects.filter(vendor=vendor)
        .select_related("order_line", "return_request", "solution")
        .prefetch_related("events")
    )


def evidence_list(*, vendor: Vendor) -> QuerySet[Evidence]:
    """Evidence of submitted cases; files of unsubmitted return drafts are the customer's still."""
    return Evidence.objects.filter(vendor=vendor).filter(
        Q(solution__isnull=False) | Q(return_request__isnull=False)
    )


def _common(qs: QuerySet, filters: Mapping[str, object], *, email_field: str) -> QuerySet:
    updated_since = filters.get("updated_since")
    if isinstance(updated_since, datetime):
        qs = qs.filter(updated_at__gte=updated_since)
    email = filters.get("customer_email")
    if email:
        qs = qs.filter(**{f"{email_field}__iexact": email})
    return qs
