"""Small helpers that make the demo's orders, evidence and images for one vendor."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from rma.models import Customer, Evidence, Order, OrderLine, ReturnRequest
from tenancy.models import Vendor


def logo_png(name: str, colour: str) -> bytes:
    image = Image.new("RGB", (360, 72), colour)
    font = ImageFont.load_default(size=34)
    ImageDraw.Draw(image).text((18, 16), name.upper(), fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def photo_png(label: str) -> bytes:
    image = Image.new("RGB", (320, 240), (235, 235, 235))
    ImageDraw.Draw(image).text((12, 110), label, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Builder:
    """Small helpers to make orders and evidence for one vendor."""

    def __init__(self, vendor: Vendor, currency: str, country: str) -> None:
        self.vendor, self.currency, self.country = vendor, currency, country
        self.now = timezone.now()
        self.counter = 1000

    def customer(self, email: str, name: str, language: str = "en") -> Customer:
        return Customer.objects.create(
            vendor=self.vendor, email=email, name=name, language=language
        )

    def order(
        self,
        customer: Customer,
        *,
        placed_days_ago: float,
        delivered_days_ago: float | None,
        lines: list[tuple[str, str, int, str, str, str]],
        **extra,
    ) -> Order:
        self.counter += 1
        placed = self.now - timedelta(days=placed_days_ago)
        delivered = (
            self.now - timedelta(days=delivered_days_ago)
            if delivered_days_ago is not None
            else None
        )
        shipped = (
            placed + timedelta(hours=20) if delivered is not None else extra.pop("shipped_at", None)
        )
        order = Order.objects.create(
            vendor=self.vendor,
            customer=customer,
            number=extra.pop("number", f"{self.vendor.slug[:3].upper()}-{self.counter}"),
            placed_at=placed,
            shipped_at=shipped,
            delivered_at=delivered,
            tracking_number=extra.pop("tracking_number", "1234567890" if shipped else ""),
            country_of_purchase=extra.pop("country_of_purchase", self.country),
            currency=self.currency,
            ship_name=customer.name,
            ship_line1=extra.pop("ship_line1", "12 Sample Street"),
            ship_city=extra.pop("ship_city", "Springfield"),
            ship_postal_code=extra.pop("ship_postal_code", "12345"),
            ship_country=extra.pop("ship_country", self.country),
            **extra,
        )
        for sku, name, quantity, price, cost, postage in lines:
            OrderLine.objects.create(
                vendor=self.vendor,
                order=order,
                sku=sku,
                name=name,
                quantity=quantity,
                unit_price=Decimal(price),
                purchase_cost=Decimal(cost),
                export_postage=Decimal(postage),
            )
        return order

    def evidence(self, rr: ReturnRequest, *, complete: bool = True) -> None:
        policy = self.vendor.get_policy()
        for requirement in policy.evidence_requirements(rr.scenario):
            count = requirement.min_count if complete else max(0, requirement.min_count - 1)
            for index in range(count):
                png = photo_png(f"{requirement.label.english()} #{index + 1}")
                evidence = Evidence(
                    vendor=self.vendor,
                    return_request=rr,
                    kind=requirement.kind,
                    original_name=f"{requirement.kind}-{index + 1}.png",
                    content_type="image/png",
                    size=len(png),
                    sha256=hashlib.sha256(png).hexdigest(),
                    width=320,
                    height=240,
                )
                evidence.file.save("demo.png", ContentFile(png), save=False)
                evidence.save()


def ago(builder: Builder, days: float) -> datetime:
    return builder.now - timedelta(days=days)
