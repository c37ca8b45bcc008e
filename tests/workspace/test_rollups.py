"""The dashboard's rollups equal a direct aggregate of the cases after any mix of service calls,
and a state change that skips them is caught."""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from rma import services
from rma.admin.dashboard import dashboard_data, median_minutes
from rma.models import ClaimDay, ReturnRequest, StatusCount
from rma.services import Actor
from rma.services import rollups as rollup_service
from rma.services.rollups import (
    RESOLUTION_PRECISION,
    bucket_minutes,
    resolution_bucket,
    rollups_drift,
    rollups_rebuild,
)
from tests.portal.factories import (
    aqara_vendor,
    marketplace_vendor,
    propose_solution,
    reolink_vendor,
)
from tests.workspace.cases import order_via_sync, return_via_services

pytestmark = pytest.mark.django_db


def _clean(vendor) -> None:
    with scopes_disabled():
        assert rollups_drift(vendor=vendor) == []


def test_rollups_equal_a_direct_aggregate_after_a_mix_of_service_calls(agent_a):
    market = marketplace_vendor()
    other = marketplace_vendor(slug="market-other", name="Other Market")
    agent = Actor.agent(agent_a)
    with scope(vendor=other):
        return_via_services(
            order_via_sync(other, "O-1")
        )  # another vendor's case moves only its own rows
    with scope(vendor=market):
        first = order_via_sync(market, "M-1", serials=[("SN-1", "B7"), ("SN-2", "B7")])
        _clean(market)
        refunded = return_via_services(first, serials=["SN-1"])
        _clean(market)
        for step in (
            services.return_start_review,
            services.return_approve,
            services.return_mark_received,
            services.return_record_inspection,
            services.return_refund,
            services.return_close,
        ):
            step(return_request=refunded, actor=agent)
            _clean(market)
        # a serial the vendor does not know is kept as typed and counted without SKU or batch
        two_skus = order_via_sync(market, "M-2", skus=[("CAM-1", 1), ("HUB-2", 3)])
        cancelled = return_via_services(two_skus, serials=["SN-TYPED-9"])
        services.return_cancel(return_request=cancelled, actor=agent)
        _clean(market)
        assert ClaimDay.objects.filter(vendor=market, sku="", batch="").get().claims == 1
        rejected = return_via_services(order_via_sync(market, "M-3"), scenario="non_quality")
        services.return_reject(return_request=rejected, actor=agent, reason="Used.")
        _clean(market)
        overdue = return_via_services(order_via_sync(market, "M-4"))
        services.return_review_sla_breach(
            return_request=overdue, actor=Actor.system(), at=overdue.review_due + timedelta(hours=1)
        )
        _clean(market)
        # The shop resends an order with one more unit and a new date: sold units move.
        order_via_sync(market, "M-1", skus=[("CAM-1", 3)], days_ago=9)
        _clean(market)
    with scopes_disabled():
        counts = {
            (row.kind, row.status): row.cases for row in StatusCount.objects.filter(vendor=market)
        }
    assert counts == {
        ("return", "requested"): 1,
        ("return", "refunded"): 0,
        ("return", "under_review"): 0,
        ("return", "approved"): 0,
        ("return", "received"): 0,
        ("return", "inspected"): 0,
        ("return", "closed"): 1,
        ("return", "cancelled"): 1,
        ("return", "rejected"): 1,
    }
    _clean(other)


def test_solutions_and_order_changes_move_their_counters(agent_a):
    reolink = reolink_vendor()
    aqara = aqara_vendor()
    agent = Actor.agent(agent_a)
    with scope(vendor=reolink):
        solution, _password = propose_solution(
            reolink,
            kind="refund",
            refund_amount=Decimal("80"),
            return_required=False,
            order=order_via_sync(reolink, "R-1"),
        )
        _clean(reolink)
        services.solution_agree(solution=solution, actor=Actor.customer("c@example.com"))
        _clean(reolink)
        customer = Actor.customer("c@example.com")
        services.solution_save_details(
            solution=solution,
            actor=customer,
            address={"ship_name": "Kim", "ship_line1": "Main St 1", "ship_city": "Berlin"},
        )
        services.solution_submit(solution=solution, actor=customer)
        _clean(reolink)
        services.solution_complete(solution=solution, actor=agent)
        _clean(reolink)
        second, _password = propose_solution(reolink, order=order_via_sync(reolink, "R-2"))
        services.solution_cancel(solution=second, actor=agent)
        _clean(reolink)
    with scopes_disabled():
        [refunds] = dashboard_data(reolink)["refunds"]
    assert refunds["currency"] == "EUR" and refunds["total"] == Decimal("80.00")
    with scope(vendor=aqara):
        order = order_via_sync(aqara, "A-1", days_ago=0, shipped=False)
        change = services.order_change_request(
            order=order, kind="cancellation", actor=Actor.customer(order.customer.email)
        )
        _clean(aqara)
        services.order_change_resolve(change_request=change, actor=agent, done=True)
        _clean(aqara)


def test_a_state_change_that_skips_the_rollups_is_caught(agent_a, monkeypatch):
    """What a service that forgot the rollups (or a raw update) leaves behind is reported."""
    market = marketplace_vendor()
    with scope(vendor=market):
        rr = return_via_services(order_via_sync(market, "M-1"))
        _clean(market)
        monkeypatch.setattr(rollup_service, "on_event", lambda event, subject: None)
        services.return_start_review(return_request=rr, actor=Actor.agent(agent_a))
    with scopes_disabled():
        drift = rollups_drift(vendor=market)
    assert drift == [
        "StatusCount {'kind': 'return', 'status': 'requested'}: stored (1,), from the cases None",
        "StatusCount {'kind': 'return', 'status': 'under_review'}: stored None, "
        "from the cases (1,)",
    ]
    out = io.StringIO()
    with pytest.raises(CommandError, match="differ from the cases"):
        call_command("rollups_rebuild", "--check", stdout=out)
    assert f"{market.slug}: 2 differences" in out.getvalue()
    call_command("rollups_rebuild", "--vendor", market.slug, stdout=out)
    _clean(market)


def test_rebuild_back_fills_rows_written_around_the_services(vendor_a):
    from tests.factories import make_case_graph

    with scopes_disabled():
        graph = make_case_graph(vendor_a)
        ReturnRequest.objects.filter(pk=graph["returnrequest"].pk).update(
            status="refunded", refunded_at=timezone.now(), refund_amount=Decimal("12.50")
        )
        assert rollups_drift(vendor=vendor_a) != []
        written = rollups_rebuild(vendor=vendor_a)
        assert written["rma_refundday"] == 1 and written["rma_statuscount"] == 3
        assert rollups_drift(vendor=vendor_a) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_service_calls_keep_the_counts():
    """Eight returns opened at once from four threads: every increment lands."""
    market = marketplace_vendor()
    with scope(vendor=market):
        orders = [order_via_sync(market, f"M-{i}") for i in range(8)]
    barrier = threading.Barrier(4)
    errors = []

    def work(chunk):
        try:
            barrier.wait(timeout=10)
            with scope(vendor=market):
                for order in chunk:
                    return_via_services(order)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(orders[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with scopes_disabled():
        assert StatusCount.objects.get(vendor=market, kind="return", status="requested").cases == 8
    _clean(market)


@pytest.mark.parametrize("minutes", [0.2, 1, 1.5, 59, 600, 1800, 60 * 24 * 30, 60 * 24 * 400])
def test_a_bucket_middle_is_within_the_stated_precision(minutes):
    middle = bucket_minutes(resolution_bucket(timedelta(minutes=minutes)))
    if minutes > 1:
        assert abs(middle - minutes) / minutes <= RESOLUTION_PRECISION + 1e-9


def test_median_of_a_histogram_is_the_middle_value_or_the_mean_of_two():
    assert median_minutes({}) is None
    ten_hours, thirty_hours = (resolution_bucket(timedelta(hours=h)) for h in (10, 30))
    two = median_minutes({ten_hours: 1, thirty_hours: 1})
    assert abs(two - 20 * 60) / (20 * 60) <= RESOLUTION_PRECISION
    three = median_minutes({ten_hours: 2, thirty_hours: 1})
    assert abs(three - 10 * 60) / (10 * 60) <= RESOLUTION_PRECISION


def test_the_dashboard_reads_only_rollup_tables():
    market = marketplace_vendor()
    with scope(vendor=market):
        return_via_services(
            order_via_sync(market, "M-1", serials=[("SN-1", "B7")]), serials=["SN-1"]
        )
    from django.test.utils import CaptureQueriesContext

    with scope(vendor=market), CaptureQueriesContext(connection) as queries:
        data = dashboard_data(market)
    tables = {
        table
        for q in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"])
    }
    assert tables <= {
        "rma_statuscount",
        "rma_returnday",
        "rma_resolutionday",
        "rma_skuday",
        "rma_refundday",
        "rma_claimday",
    }, tables
    assert len(queries.captured_queries) <= 8
    [claim] = data["claims"]
    assert (claim.sku, claim.batch, claim.claims) == ("CAM-1", "B7", 1)
    assert claim.reasons == [("Quality defect", 1)]
