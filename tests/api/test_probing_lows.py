"""API lows found by probing: deep JSON, NUL bytes, naive datetimes, floats for money, unknown
currencies, a currency changing under a case, and two creates of one new order at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from rma.models import Order

from .factories import client_with, key_for, order_payload

pytestmark = pytest.mark.django_db


def test_50000_deep_json_is_a_400(api_r):
    body = "[" * 50_000 + "]" * 50_000
    response = api_r.generic("POST", "/api/v1/orders/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_a_nul_byte_in_an_api_key_is_a_401(reolink):
    client = client_with("rk_live_abc\x00def")
    response = client.get("/api/v1/orders/")
    assert response.status_code == 401


def test_a_nul_byte_in_an_access_token_is_a_404(client, reolink):
    response = client.get(f"/v/{reolink.slug}/access/abc%00def/")
    assert response.status_code == 404


def test_naive_datetimes_are_refused(api_r):
    payload = order_payload(placed_at="2025-03-01T10:00:00")
    response = api_r.post("/api/v1/orders/", payload, format="json")
    assert response.status_code == 400
    assert "placed_at" in response.json()["error"]["fields"]


def test_json_numbers_for_money_are_refused(api_r):
    payload = order_payload()
    payload["lines"][0]["unit_price"] = 129.99
    response = api_r.post("/api/v1/orders/", payload, format="json")
    assert response.status_code == 400
    assert "lines.0.unit_price" in response.json()["error"]["fields"]


def test_a_currency_must_be_iso_4217(api_r):
    response = api_r.post("/api/v1/orders/", order_payload(currency="XYZ"), format="json")
    assert response.status_code == 400
    assert "ISO 4217" in str(response.json()["error"]["fields"]["currency"])


def test_an_orders_currency_cannot_change_under_its_cases(api_r, reolink):
    assert api_r.post("/api/v1/orders/", order_payload(), format="json").status_code == 201
    proposal = {"order": "SO-1", "kind": "replacement", "lines": [{"sku": "CAM-4K"}]}
    assert api_r.post("/api/v1/solutions/", proposal, format="json").status_code == 201
    response = api_r.post("/api/v1/orders/", order_payload(currency="USD"), format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "currency_locked"
    with scopes_disabled():
        assert Order.objects.get(number="SO-1").currency == "EUR"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_of_one_new_order_number_both_succeed(reolink):
    raw = key_for(reolink)[1]
    statuses: list[int] = []
    start = threading.Barrier(2)

    def create(number: str) -> None:
        client = client_with(raw)
        payload = order_payload(number)
        payload["customer"]["email"] = f"{number.lower()}@mail.example"  # a new customer too
        start.wait()
        statuses.append(client.post("/api/v1/orders/", payload, format="json").status_code)
        connection.close()

    for pair in range(8):
        threads = [threading.Thread(target=create, args=(f"SO-RACE-{pair}",)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert all(status in (200, 201) for status in statuses), statuses
    with scopes_disabled():
        assert Order.objects.filter(number__startswith="SO-RACE-").count() == 8
