"""Demo data for `make run`: three vendors with branding, agents, and orders and cases that
cover every scenario of each vendor's policy. Cases are created through the domain services,
so their audit trails, decisions and emails are real."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from PIL import Image, ImageDraw, ImageFont

from rma import services
from rma.models import Customer, Evidence, Order, OrderLine, ReturnRequest
from rma.services import Actor
from rma.services.solutions import ProposedLine

from .models import Membership, Vendor

VENDORS = [
    {
        "slug": "reolink",
        "name": "Reolink",
        "policy_key": "reolink",
        "time_zone": "America/Los_Angeles",
        "operating_country": "US",
        "accent_colour": "#0b5cad",
        "support_email": "support@reolink.example",
        "sender_email": "warranty@reolink.example",
        "return_address": "Reolink Returns\n1200 Industrial Rd\nSan Carlos, CA 94070\nUSA",
    },
    {
        "slug": "marketplace",
        "name": "Component Market",
        "policy_key": "marketplace",
        "time_zone": "Asia/Shanghai",
        "operating_country": "CN",
        "accent_colour": "#b3261e",
        "support_email": "rma@componentmarket.example",
        "sender_email": "rma@componentmarket.example",
        "return_address": "Component Market RMA\n88 Keji Road, Futian\nShenzhen 518000\nChina",
    },
    {
        "slug": "aqara",
        "name": "Aqara",
        "policy_key": "aqara",
        "time_zone": "America/New_York",
        "operating_country": "US",
        "accent_colour": "#1d6b4f",
        "support_email": "contact@aqara.example",
        "sender_email": "service@aqara.example",
        "return_address": "Aqara Returns Center\n45 Harbor Way\nNewark, NJ 07114\nUSA",
    },
]

PASSWORDS = {"admin": "admin"}


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


def seed(stdout: Callable[[str], None] = print) -> None:
    user_model = get_user_model()
    if not user_model.objects.filter(username="admin").exists():
        user_model.objects.create_superuser("admin", "admin@localhost", PASSWORDS["admin"])
        stdout("Created superuser admin / admin")
    for spec in VENDORS:
        vendor = Vendor.objects.filter(slug=spec["slug"]).first()
        if vendor is not None:
            stdout(f"{spec['name']}: already seeded, kept as it is")
            continue
        with transaction.atomic():
            vendor = Vendor.objects.create(**spec)
            vendor.logo.save(
                f"{vendor.slug}.png", ContentFile(logo_png(vendor.name, vendor.accent_colour))
            )
            agent = user_model.objects.create_user(
                f"agent-{vendor.slug}",
                f"agent@{vendor.slug}.example",
                f"demo-{vendor.slug}",
                is_staff=True,
            )
            Membership.objects.create(user=agent, vendor=vendor, role=Membership.Role.MANAGER)
            with scope(vendor=vendor):
                SCENARIOS[vendor.policy_key](vendor, Actor.agent(agent))
        stdout(f"{vendor.name}: seeded (agent-{vendor.slug} / demo-{vendor.slug})")


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
                png = photo_png(f"{requirement.label} #{index + 1}")
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


def _ago(builder: Builder, days: float) -> datetime:
    return builder.now - timedelta(days=days)


def seed_reolink(vendor: Vendor, agent: Actor) -> None:
    b = Builder(vendor, "USD", "US")
    camera = ("RLC-811A", "RLC-811A 4K PoE camera", 1, "129.99", "60.00", "0")
    nvr = ("RLN8-410", "RLN8-410 NVR", 1, "249.99", "120.00", "0")
    cases = [
        ("Emma Stone", "emma@example.com", "refund", dict(refund_amount=Decimal("129.99")), None),
        ("Liam Park", "liam@example.com", "replacement", dict(return_required=True), None),
        (
            "Olivia Chen",
            "olivia@example.com",
            "replacement",
            dict(makeup_amount=Decimal("15.00"), makeup_payment_required=True),
            None,
        ),
        ("Noah Müller", "noah@example.de", "repair", dict(return_required=True), "confirmed"),
        (
            "Ava Rossi",
            "ava@example.com",
            "partial_refund",
            dict(refund_amount=Decimal("40.00")),
            "rejected",
        ),
        ("Mia Dubois", "mia@example.com", "parts", {}, "submitted"),
        ("Lucas Silva", "lucas@example.com", "refurbished", {}, "completed"),
    ]
    for name, email, kind, amounts, state in cases:
        customer = b.customer(email, name, "de" if email.endswith(".de") else "en")
        order = b.order(customer, placed_days_ago=60, delivered_days_ago=55, lines=[camera, nvr])
        line = order.lines.first()
        solution, _password = services.solution_create(
            order=order,
            kind=kind,
            lines=[
                ProposedLine(
                    line, line.sku, line.name, 1, amounts.get("refund_amount", Decimal("0"))
                )
            ],
            actor=agent,
            message="Thank you for your patience. Here is what we propose for your camera.",
            **amounts,
        )
        customer_actor = Actor.customer(email)
        if state in ("confirmed", "submitted", "completed"):
            services.solution_agree(solution=solution, actor=customer_actor)
        if state == "rejected":
            services.solution_reject(
                solution=solution,
                actor=customer_actor,
                comment="I would prefer a replacement unit.",
            )
        if state in ("submitted", "completed"):
            services.solution_save_details(
                solution=solution, actor=customer_actor, address=solution.address_dict()
            )
            services.solution_submit(solution=solution, actor=customer_actor)
        if state == "completed":
            services.solution_complete(solution=solution, actor=agent, note="Unit shipped.")


def seed_marketplace(vendor: Vendor, agent: Actor) -> None:
    b = Builder(vendor, "USD", "CN")
    mcu = ("STM32F103", "STM32F103C8T6 microcontroller (tray of 10)", 2, "38.00", "21.00", "4.50")
    scope_line = ("DSO-2512", "Handheld oscilloscope DSO-2512", 1, "189.00", "110.00", "12.00")

    def request(
        email, name, scenario, *, delivered, at_days_ago, line_spec, evidence=True, **kwargs
    ) -> ReturnRequest:
        customer = b.customer(email, name)
        order = b.order(
            customer, placed_days_ago=delivered + 4, delivered_days_ago=delivered, lines=[line_spec]
        )
        rr = services.return_create(
            order=order,
            scenario=scenario,
            lines=[(order.lines.first(), 1)],
            actor=Actor.customer(email),
            at=_ago(b, at_days_ago),
            **kwargs,
        )
        b.evidence(rr, complete=evidence)
        return rr

    attest = ["unused", "untested", "unprogrammed", "packaging_intact", "accessories_complete"]
    # A: non-quality, requested (within MKT-3, MKT-4 attested)
    request(
        "sam@example.com",
        "Sam Taylor",
        "non_quality",
        delivered=6,
        at_days_ago=1,
        line_spec=mcu,
        attestations=attest,
        reason="Ordered the wrong package size.",
    )
    # B: wrong item, keep with 50% compensation, approved (MKT-7 option 1)
    rr = request(
        "kim@example.com",
        "Kim Lee",
        "wrong_item",
        delivered=1.5,
        at_days_ago=1,
        line_spec=scope_line,
        wrong_item_option="keep",
        attestations=attest,
        received_item_price=Decimal("149.00"),
        reason="Received DSO-1511 instead.",
    )
    services.return_approve(return_request=rr, actor=agent)
    # C: quality defect with incomplete evidence, under review (MKT-8, MKT-9)
    rr = request(
        "ana@example.com",
        "Ana Costa",
        "quality_defect",
        delivered=10,
        at_days_ago=3,
        line_spec=scope_line,
        evidence=False,
        reason="Channel 2 shows no signal.",
    )
    services.return_start_review(return_request=rr, actor=agent)
    # C: quality defect approved and shipped with DHL, then received and inspected
    rr = request(
        "raj@example.com",
        "Raj Patel",
        "quality_defect",
        delivered=12,
        at_days_ago=9,
        line_spec=scope_line,
        reason="Screen flickers and resets.",
    )
    services.return_approve(return_request=rr, actor=agent, at=_ago(b, 8))
    services.return_mark_shipped(
        return_request=rr,
        actor=Actor.customer("raj@example.com"),
        carrier="dhl",
        tracking_number="4829163750",
        at=_ago(b, 6),
    )
    services.return_mark_received(return_request=rr, actor=agent, at=_ago(b, 2))
    services.return_record_inspection(
        return_request=rr,
        actor=agent,
        ratio=Decimal("0.9"),
        note="Fault confirmed; outer box crushed (MKT-8).",
    )
    # A: non-quality refunded with MKT-6 deductions
    rr = request(
        "lee@example.com",
        "Lee Wong",
        "non_quality",
        delivered=25,
        at_days_ago=20,
        line_spec=mcu,
        attestations=attest,
        reason="Project cancelled.",
    )
    services.return_approve(return_request=rr, actor=agent, at=_ago(b, 19))
    services.return_mark_shipped(
        return_request=rr,
        actor=Actor.customer("lee@example.com"),
        carrier="fedex",
        tracking_number="612345678901",
        at=_ago(b, 17),
    )
    services.return_mark_received(return_request=rr, actor=agent, at=_ago(b, 10))
    services.return_record_inspection(return_request=rr, actor=agent, note="Sealed, unused.")
    services.return_refund(return_request=rr, actor=agent)
    # Approved but never shipped: the MKT-10 sweep waives it
    rr = request(
        "joe@example.com",
        "Joe Brown",
        "non_quality",
        delivered=20,
        at_days_ago=12,
        line_spec=mcu,
        attestations=attest,
        reason="No longer needed.",
    )
    services.return_approve(return_request=rr, actor=agent, at=_ago(b, 9))
    # An order delivered 40 days ago, for trying a refused request (MKT-3)
    b.order(
        b.customer("late@example.com", "Pat Late"),
        placed_days_ago=44,
        delivered_days_ago=40,
        lines=[mcu],
        number="MKT-LATE",
    )


def seed_aqara(vendor: Vendor, agent: Actor) -> None:
    b = Builder(vendor, "USD", "US")
    hub = ("HM-G01", "Camera Hub G3", 1, "109.99", "55.00", "0")
    sensor = ("SN-T1", "Temperature and Humidity Sensor T1", 2, "19.99", "8.00", "0")
    attest = ["undamaged", "accessories_complete", "gifts_included", "original_packaging"]
    # Placed 2 hours ago: inside AQA-1's 12 hours, for a cancellation or address change.
    b.order(
        b.customer("fresh@example.com", "Jamie Fresh"),
        placed_days_ago=2 / 24,
        delivered_days_ago=None,
        lines=[hub],
        number="AQ-FRESH",
    )
    # Money-back within 30 days (AQA-4), requested
    customer = b.customer("dana@example.com", "Dana White")
    order = b.order(customer, placed_days_ago=12, delivered_days_ago=8, lines=[hub, sensor])
    rr = services.return_create(
        order=order,
        scenario="non_quality",
        lines=[(order.lines.first(), 1)],
        actor=Actor.customer(customer.email),
        attestations=attest,
        reason="Does not fit my setup.",
    )
    b.evidence(rr)
    # Warranty claim six months in (AQA-7), approved
    customer = b.customer("chris@example.com", "Chris Green")
    order = b.order(customer, placed_days_ago=185, delivered_days_ago=180, lines=[hub])
    rr = services.return_create(
        order=order,
        scenario="warranty_claim",
        lines=[(order.lines.first(), 1)],
        actor=Actor.customer(customer.email),
        current_country="US",
        reason="Hub no longer powers on.",
    )
    b.evidence(rr)
    services.return_approve(return_request=rr, actor=agent)
    # A replaced unit and a later claim on the replacement (AQA-10)
    customer = b.customer("robin@example.com", "Robin Gray")
    order = b.order(customer, placed_days_ago=400, delivered_days_ago=395, lines=[sensor])
    first = services.return_create(
        order=order,
        scenario="warranty_claim",
        lines=[(order.lines.first(), 1)],
        actor=Actor.customer(customer.email),
        current_country="US",
        reason="Readings stuck.",
        at=_ago(b, 100),
    )
    b.evidence(first)
    services.return_approve(return_request=first, actor=agent, at=_ago(b, 99))
    services.return_mark_shipped(
        return_request=first,
        actor=Actor.customer(customer.email),
        carrier="",
        tracking_number="1Z999AA10123456784",
        at=_ago(b, 97),
    )
    services.return_mark_received(return_request=first, actor=agent, at=_ago(b, 90))
    services.return_record_inspection(return_request=first, actor=agent, note="Sensor faulty.")
    services.return_replace(return_request=first, actor=agent, at=_ago(b, 85))
    # Excluded from money-back: a corporate order (AQA-4) and a retailer purchase (AQA-5).
    b.order(
        b.customer("buyer@corp.example", "Corp Buyer"),
        placed_days_ago=10,
        delivered_days_ago=7,
        lines=[sensor],
        is_corporate=True,
        number="AQ-CORP",
    )
    b.order(
        b.customer("shop@example.com", "Retail Buyer"),
        placed_days_ago=10,
        delivered_days_ago=7,
        lines=[hub],
        purchase_channel="retailer",
        number="AQ-RETAIL",
    )


SCENARIOS = {"reolink": seed_reolink, "marketplace": seed_marketplace, "aqara": seed_aqara}
