"""Catalogue products: upsert by handle, replay by Idempotency-Key, pagination, the outsider."""

from __future__ import annotations

import copy

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from rma.models import CatalogProduct, CatalogVariant

from .test_keys_and_errors import assert_error

HUB = {
    "handle": "hub-m3",
    "name": "Hub M3",
    "image_url": "https://cdn.example.com/hub-m3.png",
    "variants": [
        {"sku": "HUB-M3-W", "options": {"colour": "white"}, "price": "99.99", "currency": "USD"},
        {"sku": "HUB-M3-B", "options": {"colour": "black"}, "price": "109.99", "currency": "usd"},
    ],
}


def product(handle: str = "hub-m3", **overrides) -> dict:
    body = copy.deepcopy(HUB)
    body["handle"] = handle
    if handle != "hub-m3":
        for variant in body["variants"]:
            variant["sku"] = f"{handle.upper()}-{variant['sku']}"
    return {**body, **overrides}


def counts(vendor) -> tuple[int, int]:
    with scopes_disabled():
        return (
            CatalogProduct.objects.filter(vendor=vendor).count(),
            CatalogVariant.objects.filter(vendor=vendor).count(),
        )


def test_create_then_upsert_by_handle(api_a, vendor_a):
    created = api_a.post("/api/v1/products/", product(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["active"] is True
    assert [(v["sku"], v["price"], v["currency"], v["in_stock"]) for v in body["variants"]] == [
        ("HUB-M3-W", "99.99", "USD", True),
        ("HUB-M3-B", "109.99", "USD", True),
    ]
    changed = product(
        name="Hub M3 (2026)",
        variants=[
            {"sku": "HUB-M3-B", "options": {"colour": "black"}, "price": "104.99",
             "currency": "USD", "in_stock": False},
            {"sku": "HUB-M3-G", "options": {"colour": "grey"}, "price": "99.99",
             "currency": "USD"},
        ],
    )  # fmt: skip
    updated = api_a.post("/api/v1/products/", changed, format="json")
    assert updated.status_code == 200
    variants = {v["sku"]: v for v in updated.json()["variants"]}
    assert set(variants) == {"HUB-M3-B", "HUB-M3-G"}  # white is no longer sent: removed
    assert (variants["HUB-M3-B"]["price"], variants["HUB-M3-B"]["in_stock"]) == ("104.99", False)
    assert updated.json()["name"] == "Hub M3 (2026)"
    assert counts(vendor_a) == (1, 2)


def test_unchanged_resend_keeps_updated_at(api_a):
    first = api_a.post("/api/v1/products/", product(), format="json").json()
    again = api_a.post("/api/v1/products/", product(), format="json")
    assert again.status_code == 200
    assert again.json()["updated_at"] == first["updated_at"]


def test_replay_with_the_same_idempotency_key_has_no_second_effect(api_a, vendor_a):
    first = api_a.post("/api/v1/products/", product(), format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    again = api_a.post("/api/v1/products/", product(), format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert counts(vendor_a) == (1, 2)
    other = product(name="Hub M3 renamed")
    reuse = api_a.post("/api/v1/products/", other, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert reuse.status_code == 422
    with scopes_disabled():
        assert CatalogProduct.objects.get(vendor=vendor_a).name == "Hub M3"


def test_validation_errors_name_each_field(api_a, vendor_a):
    bad = product(handle="hub m3", image_url="http://cdn.example/x.png")
    bad["variants"][0].update(price="-1", currency="dollars")
    bad["variants"][1]["sku"] = "HUB-M3-W"
    error = assert_error(api_a.post("/api/v1/products/", bad, format="json"), 400, "invalid")
    assert {"handle", "image_url", "variants.0.price", "variants.0.currency"} <= set(
        error["fields"]
    )
    empty = assert_error(
        api_a.post("/api/v1/products/", product(variants=[]), format="json"), 400, "invalid"
    )
    assert "variants" in empty["fields"]
    assert counts(vendor_a) == (0, 0)


def test_a_sku_of_another_product_is_refused(api_a, vendor_a):
    api_a.post("/api/v1/products/", product(), format="json")
    clash = product(handle="hub-m4", variants=[HUB["variants"][0]])
    error = assert_error(api_a.post("/api/v1/products/", clash, format="json"), 422, "sku_taken")
    assert "HUB-M3-W" in error["message"]
    assert counts(vendor_a) == (1, 2)


def test_outsider_sees_nothing_and_has_its_own_catalogue(api_a, api_b, vendor_a, vendor_b):
    api_a.post("/api/v1/products/", product(), format="json")
    assert_error(api_b.get("/api/v1/products/hub-m3/"), 404, "not_found")
    assert api_b.get("/api/v1/products/").json()["results"] == []
    mine = api_b.post("/api/v1/products/", product(name="Theirs"), format="json")
    assert mine.status_code == 201  # the same handle and SKUs belong to another vendor
    assert api_a.get("/api/v1/products/hub-m3/").json()["name"] == "Hub M3"
    assert counts(vendor_a) == counts(vendor_b) == (1, 2)


def test_list_filters_and_cursor_pagination(api_a, vendor_a):
    for index in range(5):
        api_a.post("/api/v1/products/", product(f"p{index}", active=index != 0), format="json")
    seen: list[str] = []
    response = api_a.get("/api/v1/products/", {"limit": 2})
    while True:
        body = response.json()
        seen += [p["handle"] for p in body["results"]]
        if not body["next"]:
            break
        response = api_a.get(body["next"])
    assert sorted(seen) == [f"p{i}" for i in range(5)]
    inactive = api_a.get("/api/v1/products/", {"active": "false"}).json()["results"]
    assert [p["handle"] for p in inactive] == ["p0"]
    assert_error(api_a.get("/api/v1/products/", {"active": "maybe"}), 400, "invalid")


def _queries(api, url: str) -> int:
    api.get("/api/v1/webhook-endpoints/")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


def test_list_and_detail_query_counts_are_constant(api_a, vendor_a):
    api_a.post("/api/v1/products/", product("p0"), format="json")
    few = _queries(api_a, "/api/v1/products/")
    detail = _queries(api_a, "/api/v1/products/p0/")
    for index in range(1, 7):
        api_a.post("/api/v1/products/", product(f"p{index}"), format="json")
    assert _queries(api_a, "/api/v1/products/") == few
    assert _queries(api_a, "/api/v1/products/p6/") == detail


def test_put_at_the_handle_upserts_and_a_repeat_changes_nothing(api_a, vendor_a):
    body = product()
    del body["handle"]
    created = api_a.put("/api/v1/products/hub-m3/", body, format="json")
    assert created.status_code == 201, created.content
    again = api_a.put("/api/v1/products/hub-m3/", body, format="json")
    assert again.status_code == 200
    assert again.json() == created.json()
    assert counts(vendor_a) == (1, 2)
    other = assert_error(
        api_a.put("/api/v1/products/hub-m3/", product("hub-m4"), format="json"), 400, "invalid"
    )
    assert "handle" in other["fields"]
    assert counts(vendor_a) == (1, 2)


def test_a_return_shows_the_exchange_its_customer_chose(api_a, api_b, vendor_b):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone
    from django_scopes import scope

    from policies.base import Attestation
    from rma import services
    from rma.services.exchanges import exchange_quote
    from tests.factories import OrderLineFactory

    placed = timezone.now() - timedelta(days=4)
    line = OrderLineFactory(
        order__vendor=vendor_b,
        vendor=vendor_b,
        order__currency="USD",
        order__placed_at=placed,
        sku="HUB-M3-W",
        unit_price=Decimal("99.99"),
    )
    assert api_b.post("/api/v1/products/", product(), format="json").status_code == 201
    with scope(vendor=vendor_b):
        quote = exchange_quote(
            order=line.order,
            scenario="non_quality",
            order_line=line,
            quantity=1,
            variant_id=CatalogVariant.objects.get(sku="HUB-M3-B").pk,
        )
        rr = services.return_create(
            order=line.order,
            scenario="non_quality",
            lines=[(line, 1)],
            actor=services.Actor.customer("c@mail.example"),
            attestations=[a.value for a in Attestation],
            exchange=quote,
        )
    body = api_b.get(f"/api/v1/returns/{rr.public_id}/").json()
    assert body["exchange"] == {
        "sku": "HUB-M3-W",
        "variant_sku": "HUB-M3-B",
        "product": "hub-m3",
        "quantity": 1,
        "original_unit_price": "99.99",
        "replacement_unit_price": "109.99",
        "currency": "USD",
        "settlement": "make_up_payment",
        "difference": "10.00",
        "rule_id": "AQA-4",
    }
    listed = api_b.get("/api/v1/returns/").json()["results"]
    assert [r["exchange"]["variant_sku"] for r in listed] == ["HUB-M3-B"]
    assert_error(api_a.get(f"/api/v1/returns/{rr.public_id}/"), 404, "not_found")
