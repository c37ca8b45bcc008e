"""Request-size caps before any work, and client addresses from trusted proxies only."""

from __future__ import annotations

import pytest

from portal.security import forwarded_client

pytestmark = pytest.mark.django_db


def test_an_oversized_body_is_refused_before_csrf_or_parsing(client, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = b"x" * (settings.REQUEST_MAX_BYTES + 1)
    response = client.generic(
        "POST", "/v/anything/returns/start/", body, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "too large" in response.text
    assert list(tmp_path.iterdir()) == []


def test_an_oversized_api_body_gets_the_api_error_shape(client, settings):
    body = b"{" * (settings.REQUEST_MAX_BYTES + 1)
    response = client.generic("POST", "/api/v1/orders/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_upload_paths_allow_a_video_sized_body(settings):
    from portal.security import request_limit

    assert request_limit("/v/market/returns/5d1c/evidence/") == settings.UPLOAD_REQUEST_MAX_BYTES
    assert request_limit("/v/market/returns/start/") == settings.REQUEST_MAX_BYTES
    assert settings.UPLOAD_REQUEST_MAX_BYTES > 200 * 1024 * 1024 > settings.REQUEST_MAX_BYTES


def test_a_garbled_content_length_is_a_400(client):
    response = client.generic("POST", "/v/x/returns/start/", b"", CONTENT_LENGTH="12abc")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("remote", "header", "proxies", "expected"),
    [
        pytest.param("10.0.0.5", "203.0.113.7", (), "10.0.0.5", id="no-trusted-proxies"),
        pytest.param("198.51.100.1", "203.0.113.7", ("10.0.0.0/8",), "198.51.100.1", id="other"),
        pytest.param("10.0.0.5", "203.0.113.7", ("10.0.0.0/8",), "203.0.113.7", id="trusted"),
        pytest.param(
            "10.0.0.5", "1.2.3.4, 203.0.113.7, 10.0.0.9", ("10.0.0.0/8",), "203.0.113.7",
            id="right-most-untrusted-wins",
        ),
        pytest.param("10.0.0.5", "garbage", ("10.0.0.0/8",), "10.0.0.5", id="garbled"),
        pytest.param("::1", "2001:db8::1", ("::1",), "2001:db8::1", id="ipv6"),
    ],
)  # fmt: skip
def test_forwarded_client(remote, header, proxies, expected):
    assert forwarded_client(remote, header, proxies) == expected
