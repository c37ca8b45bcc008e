"""Every API endpoint costs the same number of queries whatever the number of rows."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from notifications.webhooks import endpoint_create
from rma.models import Event, Evidence
from tests.factories import OrderLineFactory, make_case_graph

from .factories import order_payload

LISTS = ["orders", "solutions", "returns", "webhook-endpoints"]


@pytest.fixture(autouse=True)
def _loopback_webhooks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def _queries(api, method: str, url: str, **kwargs) -> tuple[int, object]:
    # The key's last use is written at most once a minute: leave that write out of the count.
    api.get("/api/v1/webhook-endpoints/")
    cache.clear()  # the rate limit's counter must not be warm in one measurement only
    with CaptureQueriesContext(connection) as captured:
        response = getattr(api, method)(url, **kwargs)
    assert response.status_code < 300, response.content
    return len(captured), response


def _graphs(vendor, count: int) -> list[dict]:
    graphs = []
    with scopes_disabled():
        for index in range(count):
            graph = make_case_graph(vendor)
            OrderLineFactory(order=graph["order"], vendor=vendor, sku=f"EXTRA-{index}")
            endpoint_create(vendor=vendor, url=f"http://127.0.0.1:9/hook-{index}")
            graphs.append(graph)
    return graphs


@pytest.mark.parametrize("resource", LISTS)
def test_list_query_count_is_constant(api_a, vendor_a, resource):
    _graphs(vendor_a, 1)
    few, response = _queries(api_a, "get", f"/api/v1/{resource}/")
    assert len(response.json()["results"]) >= 1
    _graphs(vendor_a, 6)
    many, response = _queries(api_a, "get", f"/api/v1/{resource}/")
    assert len(response.json()["results"]) >= 7
    assert many == few


def _detail_urls(graph: dict) -> dict[str, str]:
    return {
        "order": f"/api/v1/orders/{graph['order'].number}/",
        "solution": f"/api/v1/solutions/{graph['warrantysolution'].public_id}/",
        "return": f"/api/v1/returns/{graph['returnrequest'].public_id}/",
        "evidence": f"/api/v1/evidence/{graph['evidence'].pk}/",
    }


@pytest.mark.parametrize("resource", ["order", "solution", "return", "evidence"])
def test_detail_query_count_is_constant(api_a, vendor_a, resource):
    [graph] = _graphs(vendor_a, 1)
    url = _detail_urls(graph)[resource]
    few, _response = _queries(api_a, "get", url)
    rr = graph["returnrequest"]
    with scopes_disabled():
        for more in _graphs(vendor_a, 5):
            # More lines, evidence and events on the same case must not add queries.
            OrderLineFactory(order=graph["order"], vendor=vendor_a)
            Evidence.objects.filter(pk=more["evidence"].pk).update(return_request=rr)
            Event.objects.create(vendor=vendor_a, return_request=rr, action="note")
    many, _response = _queries(api_a, "get", url)
    assert many == few


def _new_order(number: str) -> dict:
    customer = {"email": f"{number.lower()}@mail.example", "name": "Jane Doe", "language": "en"}
    return {"data": order_payload(number, customer=customer), "format": "json"}


def test_order_upsert_query_count_does_not_grow_with_the_vendors_orders(api_a, vendor_a):
    first, _response = _queries(api_a, "post", "/api/v1/orders/", **_new_order("SO-Q1"))
    _graphs(vendor_a, 6)
    second, _response = _queries(api_a, "post", "/api/v1/orders/", **_new_order("SO-Q2"))
    assert second == first
    update, response = _queries(api_a, "post", "/api/v1/orders/", **_new_order("SO-Q2"))
    assert response.status_code == 200
    assert update <= first


def _order_with_lines(number: str, count: int, *, price: str = "10.00") -> dict:
    request = _new_order(number)
    request["data"]["lines"] = [
        {"sku": f"SKU-{index}", "name": f"Part {index}", "quantity": 1, "unit_price": price}
        for index in range(count)
    ]
    return request


def test_order_upsert_statements_do_not_grow_with_its_lines(api_a, vendor_a):
    """Lines are written in bulk: an order of 12 lines costs what an order of one does, to
    create and to change every line of."""
    one, response = _queries(api_a, "post", "/api/v1/orders/", **_order_with_lines("SO-L1", 1))
    assert response.status_code == 201
    twelve, response = _queries(api_a, "post", "/api/v1/orders/", **_order_with_lines("SO-L12", 12))
    assert response.status_code == 201
    assert len(response.json()["lines"]) == 12
    assert twelve == one
    changed_one, response = _queries(
        api_a, "post", "/api/v1/orders/", **_order_with_lines("SO-L1", 1, price="11.00")
    )
    assert response.status_code == 200
    changed_twelve, response = _queries(
        api_a, "post", "/api/v1/orders/", **_order_with_lines("SO-L12", 12, price="11.00")
    )
    assert response.status_code == 200
    assert {line["unit_price"] for line in response.json()["lines"]} == {"11.00"}
    assert changed_twelve == changed_one


def test_new_order_costs_nine_statements(api_a, vendor_a):
    """The key, the order's lock, its customer (read, then created), the order, its lines and
    the sold-units counters, in one transaction (BEGIN and COMMIT count too)."""
    count, response = _queries(api_a, "post", "/api/v1/orders/", **_new_order("SO-N9"))
    assert response.status_code == 201
    assert count == 9


def _order_with_units(number: str, count: int, *, batch: str = "B1") -> dict:
    request = _order_with_lines(number, count)
    for index, line in enumerate(request["data"]["lines"]):
        line["quantity"] = 2
        line["units"] = [
            {"serial": f"{number}-{index}-{n}", "batch": batch} for n in range(line["quantity"])
        ]
    return request


def test_order_upsert_statements_do_not_grow_with_its_units(api_a, vendor_a):
    """Serials sent on every line: one read, one INSERT and one UPDATE for all of them."""
    url = "/api/v1/orders/"
    one, _response = _queries(api_a, "post", url, **_order_with_units("SO-U1", 1))
    six, response = _queries(api_a, "post", url, **_order_with_units("SO-U6", 6))
    assert sum(len(line["units"]) for line in response.json()["lines"]) == 12
    assert six == one
    changed_one, _response = _queries(
        api_a, "post", url, **_order_with_units("SO-U1", 1, batch="B2")
    )
    changed_six, response = _queries(
        api_a, "post", url, **_order_with_units("SO-U6", 6, batch="B2")
    )
    assert response.status_code == 200
    assert {u["batch"] for line in response.json()["lines"] for u in line["units"]} == {"B2"}
    assert changed_six == changed_one
