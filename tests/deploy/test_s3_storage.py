"""Evidence in S3, over real HTTP: private objects, random keys, sniffed types, presigned links."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled

from rma.storage import EvidenceS3Storage, evidence_response, sniff_content_type

from ..factories import make_case_graph, tiny_png


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def evidence(s3_storage, vendor_a, vendor_b):
    with scopes_disabled():
        graph_a = make_case_graph(vendor_a)
        make_case_graph(vendor_b)
    return graph_a["evidence"]


def test_evidence_is_uploaded_to_the_bucket_under_a_random_private_key(
    evidence, s3_server, evidence_bucket
):
    assert isinstance(evidence.file.storage, EvidenceS3Storage)
    key = evidence.file.name
    # Random name under the vendor's prefix; the uploader's file name never reaches storage.
    assert key.startswith(f"evidence/{evidence.vendor_id}/") and key.endswith(".png")
    assert "photo" not in key and len(key.rsplit("/", 1)[1]) >= 32
    head = s3_server.client().head_object(Bucket=evidence_bucket, Key=key)
    assert head["ContentType"] == "image/png"
    assert head["ContentLength"] == evidence.size


def test_presigned_download_serves_the_file_with_verified_headers(evidence):
    response = evidence_response(evidence)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    status, headers, body = fetch(response["Location"])
    assert status == 200
    assert body == tiny_png()
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"] == "inline"


def test_expired_presigned_url_is_refused(evidence, settings):
    settings.S3_URL_EXPIRE_SECONDS = 3
    url = evidence_response(evidence)["Location"]
    assert fetch(url)[0] == 200
    time.sleep(4.5)
    status, _, body = fetch(url)
    assert status == 403
    assert b"expired" in body.lower()


def test_tampered_presigned_url_is_refused(evidence):
    url = evidence_response(evidence)["Location"]
    other_key = url.replace(evidence.file.name.rsplit("/", 1)[1], "guessed-name.png")
    assert fetch(other_key)[0] == 403
    assert fetch(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))[0] == 403


def test_anonymous_callers_can_neither_list_nor_read_the_bucket(
    evidence, s3_server, evidence_bucket
):
    key = evidence.file.name
    for url in (
        f"{s3_server.endpoint_url}/{evidence_bucket}",
        f"{s3_server.endpoint_url}/{evidence_bucket}?list-type=2",
        f"{s3_server.endpoint_url}/{evidence_bucket}/{key}",
    ):
        status, _, body = fetch(url)
        assert status >= 400, url
        assert key.encode() not in body
        assert tiny_png() not in body


def test_stored_content_type_comes_from_the_bytes_not_the_claim(
    s3_storage, s3_server, evidence_bucket
):
    lying_png = ContentFile(tiny_png(), name="invoice.html")
    lying_png.content_type = "text/html"
    png_key = s3_storage.save("evidence/1/upload.html", lying_png)
    html = ContentFile(b"<html><script>alert(1)</script></html>", name="photo.png")
    html.content_type = "image/png"
    html_key = s3_storage.save("evidence/1/upload.png", html)
    client = s3_server.client()
    assert client.head_object(Bucket=evidence_bucket, Key=png_key)["ContentType"] == "image/png"
    assert (
        client.head_object(Bucket=evidence_bucket, Key=html_key)["ContentType"]
        == "application/octet-stream"
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x01\x00", "video/webm"),
        (b"<svg onload=alert(1)>", "application/octet-stream"),
    ],
    ids=["jpeg", "png", "webp", "pdf", "mp4", "mov", "webm", "svg-is-not-served-as-image"],
)
def test_sniff_content_type(head, expected):
    assert sniff_content_type(head) == expected


def test_agent_gets_a_presigned_link_and_the_outsider_gets_nothing(
    client, agent_a, outsider_b, evidence
):
    url = reverse("admin:rma_evidence_file", args=[evidence.pk])
    client.force_login(outsider_b)
    response = client.get(url)
    assert response.status_code == 404
    assert "Location" not in response

    client.force_login(agent_a)
    response = client.get(url)
    assert response.status_code == 302
    status, headers, body = fetch(response["Location"])
    assert (status, headers["Content-Type"], body) == (200, "image/png", tiny_png())


def test_readyz_reports_storage_unavailable_when_the_bucket_is_missing(client, settings, db):
    settings.STORAGES["default"]["OPTIONS"]["bucket_name"] = "no-such-evidence-bucket"
    settings.STORAGES = {**settings.STORAGES}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"


@pytest.fixture
def _s3_for_readyz(s3_storage):
    return s3_storage


def test_readyz_is_ok_with_the_bucket_reachable(client, db, _s3_for_readyz):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["storage"] == "ok"
