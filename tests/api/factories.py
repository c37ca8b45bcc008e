"""Helpers for API tests: keys, authenticated clients, and orders sent the way a shop sends them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_scopes import scope
from rest_framework.test import APIClient

from api.keys import api_key_create
from tenancy.models import Vendor


def key_for(vendor: Vendor, name: str = "ERP sync") -> tuple[Any, str]:
    with scope(vendor=vendor):
        return api_key_create(vendor=vendor, name=name)


def client_with(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def order_payload(number: str = "SO-1", **overrides: Any) -> dict[str, Any]:
    """An order delivered three days ago, with two lines."""
    delivered = timezone.now() - timedelta(days=3)
    payload: dict[str, Any] = {
        "number": number,
        "customer": {"email": "jane@mail.example", "name": "Jane Doe", "language": "en"},
        "placed_at": (delivered - timedelta(days=3)).isoformat(),
        "shipped_at": (delivered - timedelta(days=2)).isoformat(),
        "delivered_at": delivered.isoformat(),
        "tracking_number": "1Z999AA10123456784",
        "country_of_purchase": "DE",
        "currency": "EUR",
        "shipping_address": {
            "name": "Jane Doe",
            "line1": "Hauptstraße 5",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        "lines": [
            {"sku": "CAM-4K", "name": "4K camera", "quantity": 1, "unit_price": "129.00"},
            {
                "sku": "HUB-1",
                "name": "Hub",
                "quantity": 2,
                "unit_price": "40.00",
                "purchase_cost": "10.00",
                "export_postage": "2.50",
            },
        ],
    }
    payload.update(overrides)
    return payload


def add_evidence(return_request, counts: dict[str, int]) -> None:
    """Evidence rows on a request, as if the customer had uploaded them in the portal."""
    import hashlib

    from django.core.files.base import ContentFile

    from rma.models import Evidence
    from tests.factories import tiny_png

    png = tiny_png()
    with scope(vendor=return_request.vendor):
        for kind, count in counts.items():
            for _ in range(count):
                evidence = Evidence(
                    vendor=return_request.vendor,
                    return_request=return_request,
                    kind=kind,
                    content_type="image/png",
                    size=len(png),
                    sha256=hashlib.sha256(png).hexdigest(),
                    width=8,
                    height=8,
                )
                evidence.file.save("evidence.png", ContentFile(png), save=False)
                evidence.save()


# MKT-8: what a quality defect claim needs before it can be approved.
QUALITY_DEFECT_EVIDENCE = {"video": 3, "photo": 10, "fault_statement": 1}
