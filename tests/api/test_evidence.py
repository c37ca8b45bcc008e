"""Evidence by API: metadata, and a short-lived signed link for that one file only."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone
from django_scopes import scopes_disabled

from rma.models import ReturnRequest
from tests.factories import tiny_png

from .factories import add_evidence, order_payload
from .test_keys_and_errors import assert_error


@pytest.fixture
def evidence(api_a) -> list[dict]:
    api_a.post("/api/v1/orders/", order_payload(), format="json")
    created = api_a.post(
        "/api/v1/returns/",
        {"order": "SO-1", "scenario": "quality_defect", "lines": [{"sku": "CAM-4K"}]},
        format="json",
    ).json()
    with scopes_disabled():
        add_evidence(ReturnRequest.objects.get(public_id=created["id"]), {"photo": 2})
    return api_a.get(f"/api/v1/returns/{created['id']}/").json()["evidence"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_metadata_and_download(api_a, client, evidence):
    first = evidence[0]
    assert first["kind"] == "photo" and first["content_type"] == "image/png"
    assert first["size"] == len(tiny_png()) and len(first["sha256"]) == 64
    fetched = api_a.get(f"/api/v1/evidence/{first['id']}/").json()
    assert fetched["sha256"] == first["sha256"]
    # The link is the credential: no API key on this request.
    download = client.get(path_of(first["download_url"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == tiny_png()
    assert download["Content-Type"] == "image/png"
    assert download["Cache-Control"] == "private, no-store"


def test_a_link_opens_only_its_own_file(client, evidence):
    first, second = evidence
    token = parse_qs(urlsplit(first["download_url"]).query)["token"][0]
    response = client.get(f"/api/v1/evidence/{second['id']}/download/", {"token": token})
    assert_error(response, 404, "not_found")
    assert_error(
        client.get(f"/api/v1/evidence/{first['id']}/download/", {"token": token + "x"}),
        404,
        "not_found",
    )
    assert_error(client.get(f"/api/v1/evidence/{first['id']}/download/"), 400, "invalid")


def test_links_expire(client, evidence, settings):
    url = path_of(evidence[0]["download_url"])
    later = timezone.now() + timedelta(seconds=settings.API_EVIDENCE_LINK_SECONDS + 5)
    with time_machine.travel(later):
        assert_error(client.get(url), 410, "link_expired")


def test_outsider_gets_404(api_b, evidence):
    assert_error(api_b.get(f"/api/v1/evidence/{evidence[0]['id']}/"), 404, "not_found")
