"""The endpoints ``test_query_counts`` does not cover cost the same queries at few rows as at
many: the catalogue, units, webhook endpoints and their deliveries, evidence downloads, and
every write (solutions, returns and each step of a return, products, endpoints).

A write is measured on a first case, then the vendor gets more of every row (cases, lines,
evidence, events, products and webhook endpoints, each of which a state change notifies) and
the same write is measured on a second case.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.webhooks import queue_deliveries
from rma.models import Event, ReturnRequest
from rma.services.units import UnitData, unit_replace, units_for_line

from .factories import QUALITY_DEFECT_EVIDENCE, add_evidence, order_payload
from .test_products import product
from .test_query_counts import _graphs, _queries


@pytest.fixture(autouse=True)
def _loopback_webhooks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def _grow(vendor, count: int = 6) -> list[dict]:
    return _graphs(vendor, count)


def test_product_list_query_count_is_constant(api_a, vendor_a):
    _grow(vendor_a, 1)
    few, response = _queries(api_a, "get", "/api/v1/products/")
    assert len(response.json()["results"]) == 1
    _grow(vendor_a)
    many, response = _queries(api_a, "get", "/api/v1/products/")
    assert len(response.json()["results"]) == 7
    assert many == few


def test_product_unit_and_endpoint_reads_query_count_is_constant(api_a, vendor_a):
    [graph] = _grow(vendor_a, 1)
    with scopes_disabled():
        endpoint = WebhookEndpoint.objects.filter(vendor=vendor_a).order_by("pk").first()
        line = graph["orderline"]
        line.quantity = 8
        line.save(update_fields=["quantity"])
        with scope(vendor=vendor_a):
            (unit,) = units_for_line(vendor=vendor_a, line=line, units=[UnitData("Q-1", "B1")])
    urls = [
        f"/api/v1/products/{graph['catalogproduct'].handle}/",
        "/api/v1/units/Q-1/",
        f"/api/v1/webhook-endpoints/{endpoint.pk}/",
    ]
    few = [_queries(api_a, "get", url)[0] for url in urls]
    _grow(vendor_a)
    with scope(vendor=vendor_a):
        # The unit's replacement history and its line's other units are on its status.
        unit_replace(unit=unit, serial="Q-2", at=timezone.now())
        units_for_line(vendor=vendor_a, line=line, units=[UnitData(f"Q-{n}", "B1") for n in (3, 4)])
    assert [_queries(api_a, "get", url)[0] for url in urls] == few


def _deliveries(vendor, endpoint, solution, count: int) -> None:
    with scopes_disabled():
        for _ in range(count):
            event = Event.objects.create(vendor=vendor, solution=solution, action="details_saved")
            queue_deliveries(event, event_type="solution.details_saved", payload={"n": event.pk})
        assert WebhookDelivery.objects.filter(endpoint=endpoint).count() >= count


def test_deliveries_list_query_count_is_constant(api_a, vendor_a):
    [graph] = _grow(vendor_a, 1)
    solution = graph["warrantysolution"]
    with scopes_disabled():
        endpoint = WebhookEndpoint.objects.filter(vendor=vendor_a).order_by("pk").first()
    url = f"/api/v1/webhook-endpoints/{endpoint.pk}/deliveries/"
    _deliveries(vendor_a, endpoint, solution, 1)
    few, response = _queries(api_a, "get", url)
    assert len(response.json()["results"]) == 1
    _deliveries(vendor_a, endpoint, solution, 6)
    many, response = _queries(api_a, "get", url)
    assert len(response.json()["results"]) == 7
    assert many == few


def test_evidence_download_query_count_is_constant(api_a, vendor_a):
    [graph] = _grow(vendor_a, 1)

    def download() -> int:
        link = api_a.get(f"/api/v1/evidence/{graph['evidence'].pk}/").json()["download_url"]
        count, response = _queries(api_a, "get", link.removeprefix("https://portal.example.com"))
        assert response.status_code == 200
        return count

    few = download()
    _grow(vendor_a)
    assert download() == few


# -- writes ------------------------------------------------------------------------------------


def _order(api, number: str) -> None:
    # Each order its own customer: a customer's many returns are a finding of their own (MKT-1).
    customer = {"email": f"{number.lower()}@mail.example", "name": "Jane Doe", "language": "en"}
    response = api.post("/api/v1/orders/", order_payload(number, customer=customer), format="json")
    assert response.status_code == 201, response.content


def _return(api, number: str) -> tuple[int, str]:
    """A return on a new order: what creating it cost, and its id."""
    _order(api, number)
    body = {"order": number, "scenario": "quality_defect", "lines": [{"sku": "CAM-4K"}]}
    count, response = _queries(api, "post", "/api/v1/returns/", data=body, format="json")
    return count, response.json()["id"]


def _request(public_id: str) -> ReturnRequest:
    with scopes_disabled():
        return ReturnRequest.objects.get(public_id=public_id)


def _steps(api, public_id: str, steps) -> list[int]:
    counts = []
    for action, body in steps:
        url = f"/api/v1/returns/{public_id}/{action}/"
        count, _response = _queries(api, "post", url, data=body, format="json")
        counts.append(count)
    return counts


REFUND_PATH = [
    ("approve", {}),
    ("mark-shipped", {"carrier": "DHL", "tracking_number": "1234567890"}),
    ("mark-received", {"note": "Box dented"}),
    ("record-inspection", {"ratio": "0.8", "note": "Scratched"}),
    ("refund", {}),
    ("close", {"note": "done"}),
]
REVIEW_PATH = [("start-review", {}), ("reject", {"reason": "Outside MKT-5", "rule_ids": ["MKT-5"]})]
REPLACE_PATH = [("approve", {}), ("mark-received", {}), ("record-inspection", {}), ("replace", {})]


def _case_counts(api, number: str, *, richer: bool) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for path_name, steps in (
        ("refund", REFUND_PATH),
        ("review", REVIEW_PATH),
        ("replace", REPLACE_PATH),
        ("cancel", [("cancel", {"note": "Changed my mind"})]),
    ):
        created, public_id = _return(api, f"{number}-{path_name}")
        counts[f"{path_name} create"] = [created]
        rr = _request(public_id)
        add_evidence(rr, QUALITY_DEFECT_EVIDENCE)
        if richer:
            add_evidence(rr, {"photo": 5})
            with scopes_disabled():
                for _ in range(4):
                    Event.objects.create(vendor=rr.vendor, return_request=rr, action="note")
        counts[path_name] = _steps(api, public_id, steps)
    return counts


def test_return_create_and_every_step_query_count_is_constant(api_a, vendor_a):
    _grow(vendor_a, 1)
    few = _case_counts(api_a, "SO-F", richer=False)
    _grow(vendor_a)
    assert _case_counts(api_a, "SO-M", richer=True) == few


PROPOSAL = {"kind": "replacement", "lines": [{"sku": "CAM-4K"}], "notify": "portal"}


def _solution_counts(api, number: str) -> list[int]:
    _order(api, number)
    count, response = _queries(
        api, "post", "/api/v1/solutions/", data={**PROPOSAL, "order": number}, format="json"
    )
    counts = [count]
    sid = response.json()["id"]
    for action, body in (("reissue-password", {}), ("cancel", {"note": "Duplicate"})):
        url = f"/api/v1/solutions/{sid}/{action}/"
        counts.append(_queries(api, "post", url, data=body, format="json")[0])
    return counts


def test_solution_create_reissue_and_cancel_query_count_is_constant(api_r, reolink):
    _grow(reolink, 1)
    few = _solution_counts(api_r, "SO-F")
    _grow(reolink)
    assert _solution_counts(api_r, "SO-M") == few


def _catalogue_and_endpoint_counts(api, name: str) -> list[int]:
    counts = [
        _queries(api, "post", "/api/v1/products/", data=product(name), format="json")[0],
        _queries(api, "put", f"/api/v1/products/{name}/", data=product(name), format="json")[0],
    ]
    hook = {"url": f"http://127.0.0.1:9/{name}", "description": name}
    count, response = _queries(api, "post", "/api/v1/webhook-endpoints/", data=hook, format="json")
    rotate = f"/api/v1/webhook-endpoints/{response.json()['id']}/rotate-secret/"
    return [*counts, count, _queries(api, "post", rotate, data={}, format="json")[0]]


def test_product_upsert_and_endpoint_writes_query_count_is_constant(api_a, vendor_a):
    _grow(vendor_a, 1)
    few = _catalogue_and_endpoint_counts(api_a, "first-hub")
    _grow(vendor_a)
    assert _catalogue_and_endpoint_counts(api_a, "second-hub") == few
