"""Return requests by API: the policy decides as in the portal; agents' actions run the same
domain services as the admin; the outsider gets 404 and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from rma.models import ReturnRequest

from .factories import QUALITY_DEFECT_EVIDENCE, add_evidence, order_payload
from .test_keys_and_errors import assert_error

DEFECT = {"order": "SO-1", "scenario": "quality_defect", "lines": [{"sku": "CAM-4K"}]}


@pytest.fixture
def order_a(api_a):
    assert api_a.post("/api/v1/orders/", order_payload(), format="json").status_code == 201
    return "SO-1"


@pytest.fixture
def requested(api_a, order_a) -> dict:
    response = api_a.post("/api/v1/returns/", DEFECT, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def stored(public_id: str) -> ReturnRequest:
    with scopes_disabled():
        return ReturnRequest.objects.get(public_id=public_id)


def snapshot(api, public_id: str) -> dict:
    """The case as the API shows it, less the evidence links (signed anew on every read)."""
    body = api.get(f"/api/v1/returns/{public_id}/").json()
    for evidence in body["evidence"]:
        del evidence["download_url"], evidence["download_expires_at"]
    return body


def act(api, public_id: str, action: str, body: dict | None = None):
    return api.post(f"/api/v1/returns/{public_id}/{action}/", body or {}, format="json")


def test_mkt3_request_within_30_days_is_accepted(requested):
    assert requested["status"] == "requested"
    assert requested["rma_number"] is None
    findings = {f["rule_id"]: f["ok"] for f in requested["decision"]["findings"]}
    assert findings["MKT-3"] is True
    assert requested["events"][0]["actor_kind"] == "vendor_api"
    assert requested["events"][0]["actor"] == "ERP sync"


def test_mkt3_request_after_30_days_is_refused_with_findings(api_a, vendor_a):
    delivered = timezone.now() - timedelta(days=45)
    payload = order_payload(
        placed_at=(delivered - timedelta(days=3)).isoformat(),
        shipped_at=(delivered - timedelta(days=2)).isoformat(),
        delivered_at=delivered.isoformat(),
    )
    api_a.post("/api/v1/orders/", payload, format="json")
    error = assert_error(
        api_a.post("/api/v1/returns/", DEFECT, format="json"), 422, "policy_refused"
    )
    refused = [f for f in error["findings"] if not f["ok"]]
    assert [f["rule_id"] for f in refused] == ["MKT-3"]
    assert "MKT-3" in error["message"]
    with scopes_disabled():
        assert not ReturnRequest.objects.filter(vendor=vendor_a).exists()


def test_create_validation_errors(api_a, order_a):
    error = assert_error(
        api_a.post(
            "/api/v1/returns/",
            {"order": "SO-1", "scenario": "bored", "lines": [{"sku": "NOPE"}]},
            format="json",
        ),
        400,
        "invalid",
    )
    assert "scenario" in error["fields"]
    error = assert_error(
        api_a.post("/api/v1/returns/", {**DEFECT, "lines": [{"sku": "NOPE"}]}, format="json"),
        400,
        "invalid",
    )
    assert "CAM-4K" in error["fields"]["lines.0.sku"][0]
    error = assert_error(
        api_a.post("/api/v1/returns/", {**DEFECT, "order": "SO-404"}, format="json"),
        400,
        "invalid",
    )
    assert "order" in error["fields"]


def test_outsider_cannot_create_for_another_vendors_order(api_b, order_a):
    error = assert_error(api_b.post("/api/v1/returns/", DEFECT, format="json"), 400, "invalid")
    assert "order" in error["fields"]


def test_approve_needs_the_mkt8_evidence(api_a, requested):
    error = assert_error(act(api_a, requested["id"], "approve"), 422, "evidence_incomplete")
    assert {f["rule_id"] for f in error["findings"]} == {"MKT-8"}
    assert stored(requested["id"]).status == "requested"


def test_full_rma_flow_to_refund_and_close(api_a, requested):
    rid = requested["id"]
    add_evidence(stored(rid), QUALITY_DEFECT_EVIDENCE)

    approved = act(api_a, rid, "approve")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "approved"
    assert body["rma_number"].startswith("RMA") and len(body["rma_number"]) == 12
    assert body["ship_by"] is not None  # MKT-10

    refused = act(api_a, rid, "mark-shipped", {"carrier": "usps", "tracking_number": "9400"})
    error = assert_error(refused, 422, "tracking_refused")
    assert error["findings"][0]["rule_id"] == "MKT-2"

    shipped = act(api_a, rid, "mark-shipped", {"carrier": "DHL", "tracking_number": "1234567890"})
    assert shipped.json()["status"] == "shipped"
    assert act(api_a, rid, "mark-received", {"note": "Box dented"}).json()["status"] == "received"

    inspected = act(api_a, rid, "record-inspection", {"ratio": "0.8", "note": "Poor packaging"})
    assert inspected.json()["status"] == "inspected"
    preview = inspected.json()["refund"]
    assert preview["final"] is False and preview["currency"] == "EUR"
    assert preview["lines"] and all(line["rule_id"] for line in preview["lines"])

    refunded = act(api_a, rid, "refund").json()
    assert refunded["status"] == "refunded"
    assert refunded["refund"]["final"] is True
    assert refunded["refund"]["total"] == preview["total"]

    closed = act(api_a, rid, "close", {"note": "done"}).json()
    assert closed["status"] == "closed"
    actions = [event["action"] for event in closed["events"]]
    assert actions == [
        "requested",
        "approved",
        "shipped",
        "received",
        "inspected",
        "refunded",
        "closed",
    ]
    assert {event["actor_kind"] for event in closed["events"]} == {"vendor_api"}


def test_replace_after_inspection(api_a, requested):
    rid = requested["id"]
    add_evidence(stored(rid), QUALITY_DEFECT_EVIDENCE)
    for action, body in [
        ("approve", {}),
        ("mark-received", {}),
        ("record-inspection", {}),
        ("replace", {"note": "New unit sent"}),
    ]:
        response = act(api_a, rid, action, body)
        assert response.status_code == 200, (action, response.content)
    assert stored(rid).status == "replaced"


def test_start_review_then_reject_with_rule_ids(api_a, requested):
    rid = requested["id"]
    assert act(api_a, rid, "start-review").json()["status"] == "under_review"
    error = assert_error(act(api_a, rid, "reject", {"reason": ""}), 400, "invalid")
    assert "reason" in error["fields"]
    error = assert_error(
        act(api_a, rid, "reject", {"reason": "x", "rule_ids": ["late"]}), 400, "invalid"
    )
    assert "rule_ids.0" in error["fields"]
    rejected = act(api_a, rid, "reject", {"reason": "Outside MKT-5", "rule_ids": ["MKT-5"]})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["events"][-1]["rule_ids"] == ["MKT-5"]


def test_illegal_transition_is_409_and_changes_nothing(api_a, requested):
    rid = requested["id"]
    assert_error(act(api_a, rid, "refund"), 409, "illegal_transition")
    assert_error(act(api_a, rid, "close"), 409, "illegal_transition")
    assert stored(rid).status == "requested"


def test_inspection_ratio_must_be_between_0_and_1(api_a, requested):
    error = assert_error(
        act(api_a, requested["id"], "record-inspection", {"ratio": "1.5"}), 400, "invalid"
    )
    assert "ratio" in error["fields"]


def test_cancel(api_a, requested):
    assert (
        act(api_a, requested["id"], "cancel", {"note": "Customer changed mind"}).json()["status"]
        == "cancelled"
    )


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("start-review", {}),
        ("approve", {}),
        ("reject", {"reason": "No"}),
        ("mark-shipped", {"carrier": "dhl", "tracking_number": "1234567890"}),
        ("mark-received", {}),
        ("record-inspection", {}),
        ("refund", {}),
        ("replace", {}),
        ("close", {}),
        ("cancel", {}),
    ],
)
def test_outsider_gets_404_for_every_action_and_nothing_changes(
    api_a, api_b, requested, action, body
):
    rid = requested["id"]
    add_evidence(stored(rid), QUALITY_DEFECT_EVIDENCE)
    before = snapshot(api_a, rid)
    assert_error(act(api_b, rid, action, body), 404, "not_found")
    assert snapshot(api_a, rid) == before


def test_outsider_cannot_read_or_list(api_a, api_b, requested):
    assert_error(api_b.get(f"/api/v1/returns/{requested['id']}/"), 404, "not_found")
    assert api_b.get("/api/v1/returns/").json()["results"] == []
    assert len(api_a.get("/api/v1/returns/").json()["results"]) == 1


def test_list_filters_and_pagination(api_a):
    # Three units, so each request has a unit the others do not hold.
    three = [{"sku": "CAM-4K", "name": "4K camera", "quantity": 3, "unit_price": "119.00"}]
    assert (
        api_a.post("/api/v1/orders/", order_payload(lines=three), format="json").status_code == 201
    )
    ids = []
    for _ in range(3):
        ids.append(api_a.post("/api/v1/returns/", DEFECT, format="json").json()["id"])
    act(api_a, ids[0], "cancel")
    listed = lambda **q: [r["id"] for r in api_a.get("/api/v1/returns/", q).json()["results"]]  # noqa: E731
    assert listed(status="cancelled") == [ids[0]]
    assert set(listed(status="requested")) == set(ids[1:])
    assert set(listed(order="SO-1", scenario="quality_defect")) == set(ids)
    assert listed(customer_email="JANE@mail.example") and listed(customer_email="x@y.z") == []
    first = api_a.get("/api/v1/returns/", {"limit": 2}).json()
    second = api_a.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert {r["id"] for r in first["results"] + second["results"]} == set(ids)
    assert_error(api_a.get("/api/v1/returns/", {"scenario": "bored"}), 400, "invalid")
