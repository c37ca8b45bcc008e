"""Webhook endpoints by API: list, create (secret shown once), rotate, deliveries; outsider 404."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from notifications.models import WebhookEndpoint

from .factories import order_payload
from .test_keys_and_errors import assert_error

RECEIVER = "http://127.0.0.1:9/hooks/rma"


@pytest.fixture(autouse=True)
def _loopback_receivers(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_REQUIRE_HTTPS = False


@pytest.fixture
def endpoint(api_r) -> dict:
    response = api_r.post(
        "/api/v1/webhook-endpoints/", {"url": RECEIVER, "description": "ERP"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_shows_the_secret_once(api_r, endpoint):
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["is_active"] is True
    listed = api_r.get("/api/v1/webhook-endpoints/").json()["results"]
    assert [e["url"] for e in listed] == [RECEIVER]
    assert "secret" not in listed[0]
    assert "secret" not in api_r.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/").json()


def test_unsafe_or_malformed_urls_are_400(api_r, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    error = assert_error(
        api_r.post("/api/v1/webhook-endpoints/", {"url": RECEIVER}, format="json"), 400, "invalid"
    )
    assert "url" in error["fields"] and "private" in error["fields"]["url"][0]
    error = assert_error(
        api_r.post("/api/v1/webhook-endpoints/", {"url": "not a url"}, format="json"),
        400,
        "invalid",
    )
    assert "url" in error["fields"]


def test_rotate_replaces_the_secret(api_r, endpoint):
    rotated = api_r.post(f"/api/v1/webhook-endpoints/{endpoint['id']}/rotate-secret/")
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != endpoint["secret"] and rotated.json()["secret_rotated_at"]
    with scopes_disabled():
        assert WebhookEndpoint.objects.get(pk=endpoint["id"]).secret == new_secret


def test_deliveries_list_each_signed_event(api_r, endpoint):
    api_r.post("/api/v1/orders/", order_payload(), format="json")
    api_r.post(
        "/api/v1/solutions/",
        {"order": "SO-1", "kind": "refund", "lines": [{"sku": "CAM-4K"}], "notify": "vendor"},
        format="json",
    )
    deliveries = api_r.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries/").json()
    assert [d["event_type"] for d in deliveries["results"]] == ["solution.proposed"]
    delivery = deliveries["results"][0]
    assert delivery["state"] == "queued"
    assert delivery["payload"]["case"]["order_number"] == "SO-1"
    assert delivery["payload"]["event"]["actor"] == {"kind": "vendor_api", "label": "ERP sync"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("get", "deliveries/"), ("post", "rotate-secret/")],
)
def test_outsider_gets_404_and_nothing_changes(api_r, api_b, endpoint, method, path):
    with scopes_disabled():
        before = WebhookEndpoint.objects.get(pk=endpoint["id"]).secret
    response = getattr(api_b, method)(f"/api/v1/webhook-endpoints/{endpoint['id']}/{path}")
    assert_error(response, 404, "not_found")
    with scopes_disabled():
        assert WebhookEndpoint.objects.get(pk=endpoint["id"]).secret == before
    assert api_b.get("/api/v1/webhook-endpoints/").json()["results"] == []
