"""API keys (hashed, shown once, revocable, last-used), the error shape, and the docs pages."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from api.keys import api_key_check, api_key_revoke
from api.models import ApiKey

from .factories import client_with, key_for


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_key_is_stored_as_sha256_only(vendor_a):
    api_key, raw = key_for(vendor_a)
    with scopes_disabled():
        stored = ApiKey.objects.get(pk=api_key.pk)
    assert raw.startswith(f"rma_{stored.prefix}_")
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {getattr(stored, f.attname) for f in ApiKey._meta.concrete_fields}


def test_request_without_key_is_401_in_the_error_shape(client, db):
    response = client.get("/api/v1/orders/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_key_is_401(vendor_a, key_a):
    raw = key_a[1]
    wrong = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert_error(client_with(wrong).get("/api/v1/orders/"), 401, "authentication_failed")
    assert_error(client_with("not-a-key").get("/api/v1/orders/"), 401, "authentication_failed")


def test_revoked_key_stops_at_once(vendor_a, key_a, api_a):
    assert api_a.get("/api/v1/orders/").status_code == 200
    with scope(vendor=vendor_a):
        api_key_revoke(api_key=key_a[0])
    assert_error(api_a.get("/api/v1/orders/"), 401, "authentication_failed")


def test_use_records_last_used_time(vendor_a, key_a, api_a):
    assert key_a[0].last_used_at is None
    api_a.get("/api/v1/orders/")
    with scopes_disabled():
        assert ApiKey.objects.get(pk=key_a[0].pk).last_used_at is not None


def test_check_finds_the_key_and_its_vendor(vendor_a, key_a):
    found = api_key_check(key_a[1])
    assert found is not None and found.vendor == vendor_a


def test_unknown_api_path_answers_in_the_error_shape(api_a):
    assert_error(api_a.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_malformed_json_is_400(api_a):
    response = api_a.post("/api/v1/orders/", "{not json", content_type="application/json")
    assert_error(response, 400, "malformed_request")


def test_create_api_key_command_prints_the_key_once(vendor_a):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_key", vendor=vendor_a.slug, name="Shopify sync", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert "not shown again" in err.getvalue()
    found = api_key_check(raw)
    assert found is not None and found.name == "Shopify sync" and found.vendor == vendor_a
    assert client_with(raw).get("/api/v1/orders/").status_code == 200


def test_create_api_key_command_names_known_vendors(vendor_a):
    with pytest.raises(CommandError, match="vendor-a"):
        call_command("create_api_key", vendor="nope", name="x")


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/solutions/" in document["paths"]
    assert document["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    create = document["paths"]["/api/v1/solutions/"]["post"]
    assert {"201", "400", "401", "409", "422", "429"} <= set(create["responses"])
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert create["requestBody"]["content"]["application/json"]["examples"]

    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert "/static/drf_spectacular_sidecar/" in page
    # The page's own script is a same-origin file, so the Content-Security-Policy admits it.
    assert "<script>" not in page
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_oversized_body_is_413(api_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_a.post(
        "/api/v1/orders/", {"number": "x" * 2000}, format="json", HTTP_IDEMPOTENCY_KEY="big"
    )
    assert_error(response, 413, "request_too_large")
