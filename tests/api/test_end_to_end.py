"""End to end, as a vendor integrates: an order and a warranty solution by API, the REO-1
email over real SMTP, the customer's portal login, agreement and tracking number, and every
step arriving at the vendor's receiver as a signed webhook, delivered by a real Celery worker."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import VendorFactory, tiny_png
from tests.notifications.conftest import wait_for

from .factories import client_with, key_for, order_payload

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = re.compile(r">>>\s+(\S+)\s+<<<")
TRACKING = "1Z999AA10123456784"


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_api_solution_to_portal_submission_with_signed_webhooks(
    celery_worker, smtp, receiver, client, settings
):
    settings.WEBHOOK_REQUIRE_HTTPS = False
    vendor = VendorFactory(slug="reolink-e2e", name="Reolink", policy_key="reolink")
    api = client_with(key_for(vendor, "Shop")[1])

    hook = api.post("/api/v1/webhook-endpoints/", {"url": receiver.url}, format="json")
    assert hook.status_code == 201, hook.content
    receiver.secret = hook.json()["secret"]
    assert api.post("/api/v1/orders/", order_payload("SO-E2E"), format="json").status_code == 201
    created = api.post(
        "/api/v1/solutions/",
        {
            "order": "SO-E2E",
            "kind": "replacement",
            "lines": [{"sku": "CAM-4K"}],
            "return_required": True,
            "notify": "portal",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="e2e-solution",
    )
    assert created.status_code == 201, created.content
    solution = created.json()
    assert solution["password"] is None  # the portal sends it (REO-1)

    # REO-1: the email arrives by SMTP with the password and the button to the login page.
    [mail] = wait_for(lambda: smtp.to("jane@mail.example"), what="the REO-1 email")
    text = mail.get_body(("plain",)).get_content()
    password = PASSWORD.search(text).group(1)
    assert solution["portal_url"] in text
    assert solution["portal_url"] in mail.get_body(("html",)).get_content()

    # REO-2 to REO-7 in the portal: log in, agree, give the tracking number and receipt, submit.
    login = path_of(solution["portal_url"])
    signed_in = client.post(login, {"password": password})
    assert signed_in.status_code == 302, signed_in.content[:300]
    content = path_of(signed_in["Location"])
    assert (
        client.post(content.replace("/content/", "/agree/"), {"confirmed": "yes"}).status_code
        == 302
    )
    submitted = client.post(
        content.replace("/content/", "/details/"),
        {
            "ship_name": "Jane Doe",
            "ship_line1": "Hauptstraße 5",
            "ship_line2": "",
            "ship_postal_code": "10115",
            "ship_city": "Berlin",
            "ship_region": "",
            "ship_phone": "",
            "ship_country": "DE",
            "tracking_number": TRACKING,
            "transaction_id": "",
            "postage_receipt": SimpleUploadedFile("receipt.png", tiny_png(), "image/png"),
            "action": "submit",
        },
    )
    assert submitted.status_code == 302, submitted.content[:500]

    # The vendor sees where it stands by API...
    now = api.get(f"/api/v1/solutions/{solution['id']}/").json()
    assert now["status"] == "submitted" and now["return_tracking_number"] == TRACKING
    assert [e["kind"] for e in now["evidence"]] == ["postage_receipt"]

    # ...and got each step as a signed webhook.
    wanted = ["solution.proposed", "solution.agreed", "solution.submitted"]

    def delivered_types():
        types = [r["headers"].get("X-RMA-Event") for r in receiver.requests]
        return types if all(t in types for t in wanted) else None

    types = wait_for(delivered_types, timeout=30, what=f"webhooks {wanted}")
    assert "solution.details_saved" in types  # the tracking number (REO-7)
    assert all(request["verified"] for request in receiver.requests)
    assert {request["path"] for request in receiver.requests} == {
        path_of(receiver.url) + "?src=portal"
    }
