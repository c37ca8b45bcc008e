"""Orders: upsert by number, filters, cursor pagination, and the outsider's 404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from rma.models import Order
from tests.factories import OrderLineFactory

from .factories import order_payload
from .test_keys_and_errors import assert_error


def test_create_then_upsert_by_number(api_a, vendor_a):
    created = api_a.post("/api/v1/orders/", order_payload(), format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["number"] == "SO-1" and body["status"] == "delivered"
    assert [line["sku"] for line in body["lines"]] == ["CAM-4K", "HUB-1"]
    assert body["shipping_address"]["city"] == "Berlin"

    changed = order_payload(
        tracking_number="JJD000390007",
        lines=[{"sku": "CAM-4K", "name": "4K camera", "quantity": 2, "unit_price": "119.00"}],
    )
    updated = api_a.post("/api/v1/orders/", changed, format="json")
    assert updated.status_code == 200
    assert updated.json()["tracking_number"] == "JJD000390007"
    assert updated.json()["lines"] == [
        {
            "sku": "CAM-4K",
            "name": "4K camera",
            "quantity": 2,
            "unit_price": "119.00",
            "purchase_cost": "0.00",
            "export_postage": "0.00",
            "warranty_months": None,
            "image_url": "",
            "units": [],
        }
    ]
    with scopes_disabled():
        assert Order.objects.filter(vendor=vendor_a).count() == 1


def test_unchanged_resend_keeps_updated_at(api_a):
    payload = order_payload()
    first = api_a.post("/api/v1/orders/", payload, format="json").json()
    again = api_a.post("/api/v1/orders/", payload, format="json")
    assert again.status_code == 200
    assert again.json()["updated_at"] == first["updated_at"]


def test_validation_errors_name_each_field(api_a, vendor_a):
    payload = order_payload(currency="euro", country_of_purchase="XX")
    payload["lines"][0]["quantity"] = 0
    del payload["lines"][1]["sku"]
    error = assert_error(api_a.post("/api/v1/orders/", payload, format="json"), 400, "invalid")
    assert set(error["fields"]) == {
        "currency",
        "country_of_purchase",
        "lines.0.quantity",
        "lines.1.sku",
    }
    with scopes_disabled():
        assert not Order.objects.filter(vendor=vendor_a).exists()


def test_dates_must_be_in_order(api_a):
    payload = order_payload(shipped_at=None)
    error = assert_error(api_a.post("/api/v1/orders/", payload, format="json"), 400, "invalid")
    assert "shipped_at" in error["fields"]


def test_duplicate_skus_are_refused(api_a):
    payload = order_payload()
    payload["lines"][1]["sku"] = "CAM-4K"
    error = assert_error(api_a.post("/api/v1/orders/", payload, format="json"), 400, "invalid")
    assert "CAM-4K" in error["fields"]["lines"][0]


def test_a_line_a_return_refers_to_cannot_be_removed(api_a, vendor_a):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    made = api_a.post(
        "/api/v1/returns/",
        {"order": "SO-1", "scenario": "quality_defect", "lines": [{"sku": "HUB-1"}]},
        format="json",
    )
    assert made.status_code == 201
    payload = order_payload(tracking_number="CHANGED")
    payload["lines"] = payload["lines"][:1]
    assert_error(api_a.post("/api/v1/orders/", payload, format="json"), 422, "line_in_use")
    got = api_a.get("/api/v1/orders/SO-1/").json()
    assert len(got["lines"]) == 2 and got["tracking_number"] != "CHANGED"


def test_retrieve_and_the_outsider_gets_404(api_a, api_b, vendor_a):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    assert api_a.get("/api/v1/orders/SO-1/").status_code == 200
    assert_error(api_b.get("/api/v1/orders/SO-1/"), 404, "not_found")
    assert_error(api_a.get("/api/v1/orders/NOPE/"), 404, "not_found")
    assert api_b.get("/api/v1/orders/").json()["results"] == []


def test_outsider_upsert_of_the_same_number_is_its_own_order(api_a, api_b, vendor_a, vendor_b):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    before = api_a.get("/api/v1/orders/SO-1/").json()
    other = api_b.post("/api/v1/orders/", order_payload(tracking_number="THEIRS"), format="json")
    assert other.status_code == 201
    assert api_a.get("/api/v1/orders/SO-1/").json() == before
    with scopes_disabled():
        assert Order.objects.get(vendor=vendor_b, number="SO-1").tracking_number == "THEIRS"


def test_filters(api_a, vendor_a):
    delivered = api_a.post("/api/v1/orders/", order_payload("SO-D"), format="json").json()
    api_a.post(
        "/api/v1/orders/",
        order_payload(
            "SO-P",
            shipped_at=None,
            delivered_at=None,
            customer={"email": "Max@Mail.example"},
        ),
        format="json",
    )
    numbers = lambda r: [o["number"] for o in r.json()["results"]]  # noqa: E731
    assert numbers(api_a.get("/api/v1/orders/", {"status": "placed"})) == ["SO-P"]
    assert numbers(api_a.get("/api/v1/orders/", {"status": "delivered"})) == ["SO-D"]
    assert numbers(api_a.get("/api/v1/orders/", {"customer_email": "max@mail.example"})) == ["SO-P"]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert numbers(api_a.get("/api/v1/orders/", {"updated_since": later})) == []
    since = delivered["updated_at"]
    assert set(numbers(api_a.get("/api/v1/orders/", {"updated_since": since}))) == {
        "SO-D",
        "SO-P",
    }
    error = assert_error(api_a.get("/api/v1/orders/", {"status": "lost"}), 400, "invalid")
    assert "status" in error["fields"]
    error = assert_error(
        api_a.get("/api/v1/orders/", {"updated_since": "yesterday"}), 400, "invalid"
    )
    assert "updated_since" in error["fields"]


def test_cursor_pagination_walks_every_order_once(api_a, vendor_a):
    with scopes_disabled():
        for _ in range(7):
            OrderLineFactory(order__vendor=vendor_a, vendor=vendor_a)
    seen: list[str] = []
    response = api_a.get("/api/v1/orders/", {"limit": 3})
    pages = 0
    while True:
        body = response.json()
        assert len(body["results"]) <= 3
        seen += [order["number"] for order in body["results"]]
        pages += 1
        if not body["next"]:
            break
        response = api_a.get(body["next"])
    assert pages == 3 and len(seen) == 7 == len(set(seen))
    assert_error(api_a.get("/api/v1/orders/", {"cursor": "garbage"}), 404, "not_found")


def test_a_line_image_url_must_be_https(api_a, vendor_a):
    line = {"sku": "CAM", "name": "Dome camera", "quantity": 1, "unit_price": "50.00"}
    plain = order_payload(lines=[{**line, "image_url": "http://cdn.example/cam.png"}])
    refused = api_a.post("/api/v1/orders/", plain, format="json")
    assert refused.status_code == 400 and "https" in refused.text
    with scopes_disabled():
        assert not Order.objects.filter(vendor=vendor_a).exists()
    secure = order_payload(lines=[{**line, "image_url": "https://cdn.example/cam.png"}])
    created = api_a.post("/api/v1/orders/", secure, format="json")
    assert created.status_code == 201, created.text
    assert created.json()["lines"][0]["image_url"] == "https://cdn.example/cam.png"


def test_the_list_shows_each_order_with_its_own_lines_and_units_as_its_page_does(api_a):
    for number, serials in (("SO-L1", ["S-B", "S-A"]), ("SO-L2", ["S-C"]), ("SO-L3", [])):
        payload = order_payload(number)
        payload["lines"][1]["units"] = [{"serial": serial} for serial in serials]
        assert api_a.post("/api/v1/orders/", payload, format="json").status_code == 201
    listed = {order["number"]: order for order in api_a.get("/api/v1/orders/").json()["results"]}
    assert sorted(listed) == ["SO-L1", "SO-L2", "SO-L3"]
    for number, order in listed.items():
        assert order == api_a.get(f"/api/v1/orders/{number}/").json()
    assert [u["serial"] for u in listed["SO-L1"]["lines"][1]["units"]] == ["S-A", "S-B"]
    assert listed["SO-L3"]["lines"][1]["units"] == []
