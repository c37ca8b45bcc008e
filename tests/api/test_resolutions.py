"""The vendor's systems follow and complete resolutions over the API, idempotently."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from notifications.webhooks import endpoint_create
from rma.models import Event, Resolution, ReturnRequest
from tests.portal.factories import propose_solution
from tests.rma.resolution_cases import AGENT, keep_case

from .test_keys_and_errors import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_webhooks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def keep(vendor_a):
    with scope(vendor=vendor_a):
        return keep_case(vendor_a)


def report(api, resolution_id, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(f"/api/v1/resolutions/{resolution_id}/report/", body, format="json", **headers)


def resolutions_of(api, keep) -> dict[str, dict]:
    body = api.get(f"/api/v1/returns/{keep.public_id}/").json()
    return {r["kind"]: r for r in body["resolutions"]}


def test_mkt7_keep_return_lists_compensation_and_reshipment(api_a, keep):
    found = resolutions_of(api_a, keep)
    assert set(found) == {"compensation", "reshipment"}
    assert found["compensation"]["amount"] == "15.00"
    assert found["compensation"]["lines"][0]["rule_id"] == "MKT-7"
    assert found["reshipment"]["next_steps"] == ["shipped", "cancelled"]
    listed = api_a.get("/api/v1/returns/").json()["results"][0]
    assert {r["kind"] for r in listed["resolutions"]} == {"compensation", "reshipment"}


def test_vendor_ships_and_delivers_replayed_twice_without_a_second_effect(api_a, vendor_a, keep):
    endpoint_create(vendor=vendor_a, url="http://127.0.0.1:9/hook")
    rid = resolutions_of(api_a, keep)["reshipment"]["id"]
    body = {"step": "shipped", "carrier": "DHL", "tracking_number": "JD014600001234"}
    first = report(api_a, rid, body, key="ship-1")
    assert first.status_code == 200, first.content
    assert first.json()["state"] == "in_progress"
    assert first.json()["tracking_number"] == "JD014600001234"
    for _replay in range(2):
        again = report(api_a, rid, body, key="ship-1")
        assert again.status_code == 200 and again.json() == first.json()
    delivered = report(api_a, rid, {"step": "delivered"}, key="deliver-1")
    assert report(api_a, rid, {"step": "delivered"}, key="deliver-1").json() == delivered.json()
    assert delivered.json()["state"] == "done" and delivered.json()["next_steps"] == []
    with scopes_disabled():
        events = list(Event.objects.filter(resolution__public_id=rid).order_by("id"))
        assert [e.action for e in events] == ["created", "shipped", "delivered"]
        assert {e.actor_kind for e in events[1:]} == {"vendor_api"}
        assert OutboxMessage.objects.filter(kind="reshipment_shipped").count() == 1
        from notifications.models import WebhookDelivery

        types = sorted(WebhookDelivery.objects.values_list("event_type", flat=True))
    assert types.count("resolution.shipped") == 1 and types.count("resolution.delivered") == 1


def test_vendor_issues_the_coupon_once_with_its_code(api_a, vendor_a):
    vendor_a.policy_settings = {"compensation_method": "coupon"}
    vendor_a.save()
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
        compensation = rr.resolutions.get(kind="compensation")
    missing = report(api_a, compensation.public_id, {"step": "coupon_issued"})
    assert "coupon code" in assert_error(missing, 422, "invalid")["message"]
    issued = report(
        api_a, compensation.public_id, {"step": "coupon_issued", "coupon_code": "SORRY-15"}, "c1"
    )
    assert issued.json()["coupon_code"] == "SORRY-15" and issued.json()["state"] == "done"
    assert (
        report(
            api_a,
            compensation.public_id,
            {"step": "coupon_issued", "coupon_code": "SORRY-15"},
            "c1",
        ).json()
        == issued.json()
    )
    with scopes_disabled():
        assert OutboxMessage.objects.filter(kind="coupon_issued").count() == 1


def test_a_step_the_state_does_not_allow_is_409_and_changes_nothing(api_a, keep):
    rid = resolutions_of(api_a, keep)["reshipment"]["id"]
    assert_error(report(api_a, rid, {"step": "delivered"}), 409, "illegal_transition")
    assert_error(report(api_a, rid, {"step": "teleported"}), 400, "invalid")
    with scopes_disabled():
        assert Resolution.objects.get(public_id=rid).state == "pending"


def test_outsider_gets_404_for_read_and_report_and_nothing_changes(api_a, api_b, keep):
    rid = resolutions_of(api_a, keep)["reshipment"]["id"]
    assert_error(api_b.get(f"/api/v1/resolutions/{rid}/"), 404, "not_found")
    body = {"step": "shipped", "carrier": "DHL", "tracking_number": "JD01"}
    assert_error(report(api_b, rid, body), 404, "not_found")
    with scopes_disabled():
        assert Resolution.objects.get(public_id=rid).state == "pending"
        assert Event.objects.filter(resolution__public_id=rid).count() == 1


def test_reo8_payment_verified_over_the_api_before_shipping(api_r, reolink):
    with scope(vendor=reolink):
        solution, _password = propose_solution(reolink, makeup_amount=Decimal("15.00"))
        from rma import services

        services.solution_agree(solution=solution, actor=AGENT)
    body = api_r.get(f"/api/v1/solutions/{solution.public_id}/").json()
    (replacement,) = body["resolutions"]
    assert replacement["makeup_amount"] == "15.00"
    assert replacement["next_steps"] == ["payment_verified", "cancelled"]
    rid = replacement["id"]
    verified = report(api_r, rid, {"step": "payment_verified", "transaction_id": "PSP-9"}, "v1")
    assert verified.json()["makeup_transaction_id"] == "PSP-9"
    assert verified.json()["next_steps"] == ["shipped", "cancelled"]


def _queries(api, method, url, **kwargs) -> int:
    api.get("/api/v1/webhook-endpoints/")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = getattr(api, method)(url, **kwargs)
    assert response.status_code < 300, response.content
    return len(captured)


def test_resolution_reads_and_returns_lists_cost_the_same_queries_whatever_the_rows(
    api_a, vendor_a, keep
):
    rid = resolutions_of(api_a, keep)["reshipment"]["id"]
    few_detail = _queries(api_a, "get", f"/api/v1/resolutions/{rid}/")
    few_list = _queries(api_a, "get", "/api/v1/returns/")
    with scope(vendor=vendor_a):
        for _more in range(4):
            keep_case(vendor_a)
    report(api_a, rid, {"step": "shipped", "carrier": "DHL", "tracking_number": "JD1"})
    assert _queries(api_a, "get", f"/api/v1/resolutions/{rid}/") == few_detail
    assert _queries(api_a, "get", "/api/v1/returns/") == few_list


def test_report_costs_the_same_queries_for_each_resolution(api_a, vendor_a):
    counts = []
    with scope(vendor=vendor_a):
        cases = [keep_case(vendor_a) for _ in range(2)]
    for rr in cases:
        with scopes_disabled():
            rid = rr.resolutions.get(kind="reshipment").public_id
        counts.append(
            _queries(
                api_a,
                "post",
                f"/api/v1/resolutions/{rid}/report/",
                data={"step": "shipped", "carrier": "DHL", "tracking_number": "JD1"},
                format="json",
            )
        )
    assert counts[0] == counts[1]


def test_mkt8_refund_over_the_api_pays_the_freight_line_with_the_reference(api_a, vendor_a):
    from tests.rma.resolution_cases import defect_case

    with scope(vendor=vendor_a):
        rr = defect_case(vendor_a)
    base = f"/api/v1/returns/{rr.public_id}"
    inspected = api_a.post(f"{base}/record-inspection/", {"return_freight": "12.50"}, format="json")
    assert inspected.status_code == 200, inspected.content
    assert inspected.json()["refund"]["total"] == "132.50"  # the preview includes the freight
    paid = api_a.post(f"{base}/refund/", {"provider_reference": "re_9"}, format="json").json()
    (refund,) = paid["resolutions"]
    assert (refund["state"], refund["provider_reference"]) == ("done", "re_9")
    assert refund["lines"][-1] == {
        "label": "Return freight reimbursed",
        "amount": "12.50",
        "rule_id": "MKT-12",
    }
    assert paid["refund"]["total"] == "132.50"


def test_close_is_409_while_a_resolution_is_open_and_closes_a_settled_keep_case(api_a, vendor_a):
    vendor_a.policy_settings = {"compensation_method": "coupon"}
    vendor_a.save()
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
    found = resolutions_of(api_a, rr)
    coupon = {"step": "coupon_issued", "coupon_code": "SORRY-15"}
    assert report(api_a, found["compensation"]["id"], coupon).status_code == 200
    close = f"/api/v1/returns/{rr.public_id}/close/"
    refused = assert_error(api_a.post(close, {}, format="json"), 409, "resolutions_open")
    assert "Reshipment of the correct item (Pending)" in refused["message"]
    with scopes_disabled():
        assert ReturnRequest.objects.get(pk=rr.pk).status == "approved"
        assert not Event.objects.filter(return_request=rr, action="closed").exists()
    rid = found["reshipment"]["id"]
    report(api_a, rid, {"step": "shipped", "carrier": "DHL", "tracking_number": "JD1"})
    report(api_a, rid, {"step": "delivered"})
    closed = api_a.post(close, {"note": "Settled."}, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    with scopes_disabled():
        assert Event.objects.filter(return_request=rr, action="closed").count() == 1
