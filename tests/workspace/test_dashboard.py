"""The dashboard's figures, from rows whose answer is known."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from rma.admin.dashboard import dashboard_data
from rma.models import ReturnRequest
from rma.services.rollups import rollups_rebuild
from tests.factories import OrderLineFactory, make_case_graph

pytestmark = pytest.mark.django_db


def test_refunds_per_month_median_and_return_rate(vendor_a, vendor_b):
    now = timezone.now()
    with scopes_disabled():
        graphs = [make_case_graph(vendor_a) for _ in range(2)]
        make_case_graph(vendor_b)  # never counted
        for hours, graph in zip((10, 30), graphs, strict=True):
            rr = graph["returnrequest"]
            ReturnRequest.objects.filter(pk=rr.pk).update(
                status="refunded",
                requested_at=now - timedelta(hours=hours + 1),
                refunded_at=now - timedelta(hours=1),
                refund_amount=Decimal("40.00"),
                sla_breached_at=now,
            )
        # a second unit sold of the first SKU, never returned: 1 of 2 units returned
        sku = graphs[0]["orderline"].sku
        OrderLineFactory(vendor=vendor_a, order__vendor=vendor_a, sku=sku)
        # The rows were written around the services: back-fill the rollups, as after an import.
        rollups_rebuild(vendor=vendor_a)
    with scope(vendor=vendor_a):
        data = dashboard_data(vendor_a, now=now)
    # 10 h and 30 h: the mean of the two, read from the histogram (within 4.4 %)
    assert data["median_resolve"] == "19.8 h" and data["resolved_count"] == 2
    assert data["breaches"] == 2
    [refunds] = data["refunds"]
    assert refunds["currency"] == "EUR" and refunds["total"] == Decimal("80.00")
    assert refunds["chart"]["bars"][-1].shown == "80"
    rates = {bar.label: bar.shown for bar in data["rate_chart"]["bars"]}
    assert rates[sku] == "50.0% (1/2)"
    assert data["open_total"] == 4  # two solutions, two order changes; the returns are closed
