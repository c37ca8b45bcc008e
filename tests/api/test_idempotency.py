"""Idempotency-Key on POSTs: replay, reuse with another body (422), in flight (409), per vendor."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from api.idempotency import purge_idempotency_records, request_fingerprint
from api.models import IdempotencyRecord
from rma.models import ReturnRequest

from .factories import order_payload
from .test_keys_and_errors import assert_error

DEFECT = {"order": "SO-1", "scenario": "quality_defect", "lines": [{"sku": "CAM-4K"}]}


def post(api, path: str, body: dict, key: str):
    return api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def returns_of(vendor) -> int:
    with scopes_disabled():
        return ReturnRequest.objects.filter(vendor=vendor).count()


def test_same_key_and_body_answers_the_first_response_again(api_a, vendor_a):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    first = post(api_a, "/api/v1/returns/", DEFECT, "key-1")
    again = post(api_a, "/api/v1/returns/", DEFECT, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert returns_of(vendor_a) == 1


def test_key_order_and_whitespace_of_the_json_do_not_matter(api_a, vendor_a):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    post(api_a, "/api/v1/returns/", DEFECT, "key-2")
    reordered = '{"lines": [{"sku": "CAM-4K"}],  "scenario": "quality_defect", "order": "SO-1"}'
    again = api_a.post(
        "/api/v1/returns/", reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-2"
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert returns_of(vendor_a) == 1


def test_same_key_with_another_body_is_422(api_a, vendor_a):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    post(api_a, "/api/v1/returns/", DEFECT, "key-3")
    other = post(api_a, "/api/v1/returns/", {**DEFECT, "reason": "other"}, "key-3")
    assert_error(other, 422, "idempotency_key_reused")
    assert_error(
        post(api_a, "/api/v1/orders/", order_payload(), "key-3"), 422, "idempotency_key_reused"
    )
    assert returns_of(vendor_a) == 1


def test_first_request_still_in_flight_is_409(api_a, vendor_a):
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    body = b'{"order":"SO-1","scenario":"quality_defect","lines":[{"sku":"CAM-4K"}]}'
    with scope(vendor=vendor_a):
        IdempotencyRecord.objects.create(
            vendor=vendor_a,
            key="key-4",
            request_hash=request_fingerprint("POST", "/api/v1/returns/", body),
        )
    response = api_a.post(
        "/api/v1/returns/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-4"
    )
    assert_error(response, 409, "idempotency_in_flight")
    assert returns_of(vendor_a) == 0


def test_errors_are_replayed_too(api_a, vendor_a):
    first = post(api_a, "/api/v1/returns/", DEFECT, "key-5")
    assert_error(first, 400, "invalid")  # no order SO-1 yet
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    again = post(api_a, "/api/v1/returns/", DEFECT, "key-5")
    assert again.status_code == 400 and again.json() == first.json()
    assert returns_of(vendor_a) == 0


def test_keys_belong_to_one_vendor(api_a, api_b, vendor_a, vendor_b):
    for api in (api_a, api_b):
        api.post("/api/v1/orders/", order_payload(), format="json")
    a = post(api_a, "/api/v1/returns/", DEFECT, "shared-key")
    b = post(api_b, "/api/v1/returns/", {**DEFECT, "scenario": "non_quality"}, "shared-key")
    assert a.status_code == 201
    assert "Idempotent-Replayed" not in b
    assert b.json() != a.json()
    assert returns_of(vendor_a) == 1


def test_expired_records_no_longer_count_and_are_purged(api_a, vendor_a, settings):
    # Two units, so the second request is not refused for units the first one holds.
    two = [{"sku": "CAM-4K", "name": "4K camera", "quantity": 2, "unit_price": "119.00"}]
    api_a.post("/api/v1/orders/", order_payload(lines=two), format="json")
    post(api_a, "/api/v1/returns/", DEFECT, "key-6")
    with scope(vendor=vendor_a):
        IdempotencyRecord.objects.filter(key="key-6").update(
            created_at=timezone.now() - timedelta(hours=25)
        )
    again = post(api_a, "/api/v1/returns/", DEFECT, "key-6")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert returns_of(vendor_a) == 2
    with scope(vendor=vendor_a):
        IdempotencyRecord.objects.filter(key="key-6").update(
            created_at=timezone.now() - timedelta(hours=25)
        )
    assert purge_idempotency_records() == 1


def test_a_key_that_is_not_printable_ascii_is_400(api_a):
    response = post(api_a, "/api/v1/orders/", order_payload(), "x" * 256)
    error = assert_error(response, 400, "invalid")
    assert "Idempotency-Key" in error["fields"]


def test_get_ignores_the_header(api_a):
    response = api_a.get("/api/v1/orders/", HTTP_IDEMPOTENCY_KEY="key-7")
    assert response.status_code == 200
    with scopes_disabled():
        assert not IdempotencyRecord.objects.filter(key="key-7").exists()


def test_a_crash_answers_500_frees_the_key_and_leaves_no_scope(api_a, vendor_a, monkeypatch):
    from django_scopes import get_scope

    import api.views.orders

    before = dict(get_scope())

    def crash(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(api.views.orders, "order_upsert", crash)
    crashed = post(api_a, "/api/v1/orders/", order_payload(), "key-8")
    assert_error(crashed, 500, "server_error")
    assert "fire" not in crashed.content.decode()
    assert dict(get_scope()) == before  # the vendor scope ended with the request
    with scopes_disabled():
        assert not IdempotencyRecord.objects.filter(key="key-8").exists()
    monkeypatch.undo()
    assert post(api_a, "/api/v1/orders/", order_payload(), "key-8").status_code == 201


def test_an_answer_echoing_a_nul_character_is_stored_and_replayed(api_a, vendor_a):
    """PostgreSQL's jsonb refuses \\u0000; the stored answer is text, so this replays too."""
    payload = order_payload(country_of_purchase="\u0000X")
    first = post(api_a, "/api/v1/orders/", payload, "key-9")
    assert_error(first, 400, "invalid")
    again = post(api_a, "/api/v1/orders/", payload, "key-9")
    assert again.status_code == 400 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert api_a.get("/api/v1/orders/").status_code == 200  # the connection is still usable
