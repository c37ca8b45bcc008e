"""Warranty solutions by API (REO rules): both notify modes, the portal_url, list, cancel,
re-issued passwords, and the outsider's 404."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from notifications.models import OutboxMessage
from rma.models import WarrantySolution
from rma.services.passwords import password_matches

from .factories import order_payload
from .test_keys_and_errors import assert_error

PROPOSAL = {"order": "SO-1", "kind": "replacement", "lines": [{"sku": "CAM-4K"}]}


@pytest.fixture
def order_r(api_r):
    assert api_r.post("/api/v1/orders/", order_payload(), format="json").status_code == 201
    return "SO-1"


def stored(public_id: str) -> WarrantySolution:
    with scopes_disabled():
        return WarrantySolution.objects.get(public_id=public_id)


def reo1_emails(reolink) -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(vendor=reolink, kind="solution_confirmation"))


def test_reo1_notify_portal_sends_the_email_and_hides_the_password(api_r, reolink, order_r):
    response = api_r.post("/api/v1/solutions/", PROPOSAL, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["notify"] == "portal" and body["password"] is None
    assert body["status"] == "pending_confirm"
    assert body["portal_url"] == (f"https://portal.example.com/v/reolink-a/solutions/{body['id']}/")
    emails = reo1_emails(reolink)
    assert len(emails) == 1 and emails[0].to == "jane@mail.example"


def test_reo1_notify_vendor_returns_the_password_once_and_sends_nothing(api_r, reolink, order_r):
    response = api_r.post("/api/v1/solutions/", {**PROPOSAL, "notify": "vendor"}, format="json")
    body = response.json()
    assert response.status_code == 201
    assert body["notify"] == "vendor"
    assert password_matches(body["password"], stored(body["id"]).password_hash)  # REO-2
    assert reo1_emails(reolink) == []
    again = api_r.get(f"/api/v1/solutions/{body['id']}/").json()
    assert "password" not in again
    assert again["portal_url"] == body["portal_url"]
    assert [e["action"] for e in again["events"]] == ["proposed"]
    assert again["events"][0]["rule_ids"] == ["REO-1"]


def test_create_validation_errors(api_r, order_r):
    error = assert_error(
        api_r.post("/api/v1/solutions/", {**PROPOSAL, "notify": "fax"}, format="json"),
        400,
        "invalid",
    )
    assert "notify" in error["fields"]
    error = assert_error(
        api_r.post(
            "/api/v1/solutions/",
            {**PROPOSAL, "lines": [{"sku": "CAM-4K"}, {"sku": "NOPE"}]},
            format="json",
        ),
        400,
        "invalid",
    )
    assert list(error["fields"]) == ["lines.1.sku"]
    error = assert_error(
        api_r.post(
            "/api/v1/solutions/",
            {**PROPOSAL, "lines": [{"sku": "CAM-4K", "quantity": 5}]},
            format="json",
        ),
        400,
        "invalid",
    )
    assert "lines.0.quantity" in error["fields"]
    error = assert_error(
        api_r.post("/api/v1/solutions/", {**PROPOSAL, "kind": "teleport"}, format="json"),
        400,
        "invalid",
    )
    assert "kind" in error["fields"]


def test_refund_above_the_order_total_is_refused(api_r, reolink, order_r):
    error = assert_error(
        api_r.post("/api/v1/solutions/", {**PROPOSAL, "refund_amount": "9999.00"}, format="json"),
        422,
        "invalid",
    )
    assert "more than the order" in error["message"]
    with scopes_disabled():
        assert not WarrantySolution.objects.filter(vendor=reolink).exists()


def test_a_vendor_whose_policy_has_no_solutions_is_told_so(api_a):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    error = assert_error(api_a.post("/api/v1/solutions/", PROPOSAL, format="json"), 422, "invalid")
    assert "return requests" in error["message"]


def test_cancel_and_reissue(api_r, reolink, order_r):
    sid = api_r.post("/api/v1/solutions/", {**PROPOSAL, "notify": "vendor"}, format="json").json()[
        "id"
    ]
    old_hash = stored(sid).password_hash

    reissued = api_r.post(
        f"/api/v1/solutions/{sid}/reissue-password/", {"notify": "vendor"}, format="json"
    ).json()
    assert reissued["notify"] == "vendor"
    assert password_matches(reissued["password"], stored(sid).password_hash)
    assert stored(sid).password_hash != old_hash
    assert reo1_emails(reolink) == []

    by_portal = api_r.post(f"/api/v1/solutions/{sid}/reissue-password/", {}, format="json").json()
    assert by_portal["password"] is None and by_portal["notify"] == "portal"
    assert len(reo1_emails(reolink)) == 1

    cancelled = api_r.post(f"/api/v1/solutions/{sid}/cancel/", {"note": "Duplicate"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert_error(
        api_r.post(f"/api/v1/solutions/{sid}/cancel/", {}, format="json"), 409, "illegal_transition"
    )
    assert_error(
        api_r.post(f"/api/v1/solutions/{sid}/reissue-password/", {}, format="json"),
        409,
        "illegal_transition",
    )


def test_list_filters_and_pagination(api_r, order_r):
    ids = [
        api_r.post("/api/v1/solutions/", {**PROPOSAL, "notify": "vendor"}, format="json").json()[
            "id"
        ]
        for _ in range(3)
    ]
    api_r.post(f"/api/v1/solutions/{ids[0]}/cancel/", {}, format="json")
    listed = lambda **q: [s["id"] for s in api_r.get("/api/v1/solutions/", q).json()["results"]]  # noqa: E731
    assert listed(status="cancelled") == [ids[0]]
    assert set(listed(status="pending_confirm")) == set(ids[1:])
    assert set(listed(order="SO-1")) == set(ids) and listed(order="SO-2") == []
    assert set(listed(customer_email="jane@mail.example")) == set(ids)
    page = api_r.get("/api/v1/solutions/", {"limit": 2}).json()
    rest = api_r.get(page["next"]).json()
    assert {s["id"] for s in page["results"] + rest["results"]} == set(ids)
    assert_error(api_r.get("/api/v1/solutions/", {"status": "lost"}), 400, "invalid")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("post", "cancel/", {}),
        ("post", "reissue-password/", {"notify": "vendor"}),
    ],
)
def test_outsider_gets_404_and_nothing_changes(api_r, api_b, order_r, method, path, body):
    sid = api_r.post("/api/v1/solutions/", {**PROPOSAL, "notify": "vendor"}, format="json").json()[
        "id"
    ]
    before = stored(sid)
    response = getattr(api_b, method)(f"/api/v1/solutions/{sid}/{path}", body, format="json")
    assert_error(response, 404, "not_found")
    after = stored(sid)
    assert (after.status, after.password_hash, after.updated_at) == (
        before.status,
        before.password_hash,
        before.updated_at,
    )
    assert api_b.get("/api/v1/solutions/").json()["results"] == []
