"""Security headers: CSP with nonces, framing only on embed routes, no referrer from /v/ pages,
and a customer-facing 500 that shows no stack trace, setting or secret."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from portal.security import PortalHeadersMiddleware

pytestmark = pytest.mark.urls("tests.deploy.urls")


def csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_csp_locks_scripts_plugins_base_and_framing(client, db):
    response = client.get("/staff-probe/")
    policy = csp(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert response["X-Frame-Options"] == "DENY"


def test_inline_script_runs_only_with_the_request_nonce(client, db):
    first = client.get("/v/vendor-a/probe/")
    second = client.get("/v/vendor-a/probe/")
    nonce = first.content.decode().split("nonce='")[1].split("'")[0]
    assert f"'nonce-{nonce}'" in csp(first)["script-src"]
    assert f"'nonce-{nonce}'" not in csp(second)["script-src"]


def test_portal_pages_never_send_their_url_to_another_site(client, db):
    assert client.get("/v/vendor-a/probe/")["Referrer-Policy"] == "same-origin"
    # Also on a portal 404: the URL may carry an access token.
    assert client.get("/v/vendor-a/access/some-token/nothing/")["Referrer-Policy"] == "same-origin"
    assert client.get("/staff-probe/")["Referrer-Policy"] == "same-origin"


def test_pages_on_a_vendors_own_host_send_no_referrer_to_other_sites(rf):
    request = rf.get("/access/some-token/")
    request.host_vendor_slug = "vendor-a"
    response = PortalHeadersMiddleware(lambda request: HttpResponse("portal"))(request)
    assert response["Referrer-Policy"] == "same-origin"
    shared = PortalHeadersMiddleware(lambda request: HttpResponse("staff"))(rf.get("/admin/"))
    assert "Referrer-Policy" not in shared


def test_embed_routes_may_be_framed_by_the_configured_origins_only(client, db, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example"]
    response = client.get("/embed-probe/")
    assert "X-Frame-Options" not in response
    assert csp(response)["frame-ancestors"] == ["'self'", "https://partner.example"]
    shop = client.get("/embed-probe/shop/")
    assert csp(shop)["frame-ancestors"] == [
        "'self'",
        "https://partner.example",
        "https://shop.vendor-a.example",
    ]
    # Everything else stays unframeable.
    assert client.get("/staff-probe/")["X-Frame-Options"] == "DENY"


def test_server_error_page_shows_no_stack_trace_or_secrets(client, db, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/v/vendor-a/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    for leak in (
        "Traceback",
        "RuntimeError",
        "hunter2",
        "s3cr3t-in-a-local-variable",
        settings.SECRET_KEY,
        "DATABASES",
        "tests/deploy/urls.py",
    ):
        assert leak not in body
    assert response["X-Request-ID"]
