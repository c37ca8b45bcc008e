"""The demo's cases for each vendor, created through the domain services so that their audit
trails, policy decisions and emails are real."""

from __future__ import annotations

from decimal import Decimal

from rma import services
from rma.models import CatalogVariant, ReturnRequest
from rma.services import Actor
from rma.services.exchanges import exchange_quote
from rma.services.return_options import required_attestations
from rma.services.solutions import ProposedLine
from tenancy.models import Vendor

from .builder import Builder, ago
from .catalogue import seed_catalogue


def seed_reolink(vendor: Vendor, agent: Actor) -> None:
    b = Builder(vendor, "USD", "US")
    camera = ("RLC-811A", "RLC-811A 4K PoE camera", 1, "129.99", "60.00", "0")
    nvr = ("RLN8-410", "RLN8-410 NVR", 1, "249.99", "120.00", "0")
    cases = [
        ("Emma Stone", "emma@example.com", "refund", dict(refund_amount=Decimal("129.99")), None),
        ("Léa Martin", "lea@example.fr", "replacement", dict(return_required=True), None),
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
        # The address's country domain picks the customer's language (de, fr), else English.
        language = {"de": "de", "fr": "fr"}.get(email.rsplit(".", 1)[-1], "en")
        customer = b.customer(email, name, language)
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
            at=ago(b, at_days_ago),
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
    services.return_approve(return_request=rr, actor=agent, at=ago(b, 0.9))
    # ... its compensation paid, and the correct item reshipped and on its way (in flight)
    services.return_refund(return_request=rr, actor=agent, provider_reference="re_demo_kim")
    services.resolution_mark_shipped(
        resolution=rr.resolutions.get(kind="reshipment"),
        actor=agent,
        carrier="DHL",
        tracking_number="JD014600006281",
    )
    # B: the same choice made while the shop paid compensation as coupons (the setting in
    # force when a case is decided stays with it): the coupon's code is issued, and the
    # correct item waits to be shipped
    vendor.policy_settings = {**vendor.policy_settings, "compensation_method": "coupon"}
    vendor.save(update_fields=["policy_settings"])
    rr = request(
        "noor@example.com",
        "Noor Haddad",
        "wrong_item",
        delivered=1,
        at_days_ago=0.5,
        line_spec=mcu,
        wrong_item_option="keep",
        attestations=attest,
        received_item_price=Decimal("30.00"),
        reason="Received STM32F030 chips instead.",
    )
    vendor.policy_settings = {
        k: v for k, v in vendor.policy_settings.items() if k != "compensation_method"
    }
    vendor.save(update_fields=["policy_settings"])
    services.return_approve(return_request=rr, actor=agent, at=ago(b, 0.4))
    services.resolution_issue_coupon(
        resolution=rr.resolutions.get(kind="compensation"), actor=agent, coupon_code="CM-NOOR-4"
    )
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
    services.return_approve(return_request=rr, actor=agent, at=ago(b, 8))
    services.return_mark_shipped(
        return_request=rr,
        actor=Actor.customer("raj@example.com"),
        carrier="dhl",
        tracking_number="4829163750",
        at=ago(b, 6),
    )
    services.return_mark_received(return_request=rr, actor=agent, at=ago(b, 2))
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
    services.return_approve(return_request=rr, actor=agent, at=ago(b, 19))
    services.return_mark_shipped(
        return_request=rr,
        actor=Actor.customer("lee@example.com"),
        carrier="fedex",
        tracking_number="612345678901",
        at=ago(b, 17),
    )
    services.return_mark_received(return_request=rr, actor=agent, at=ago(b, 10))
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
    services.return_approve(return_request=rr, actor=agent, at=ago(b, 9))
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
    # An exchange for the black variant (AQA-4): the 10.00 difference paid and verified, the
    # original sent back, and the black hub shipped with its tracking number
    customer = b.customer("sky@example.com", "Sky Patel")
    order = b.order(customer, placed_days_ago=10, delivered_days_ago=7, lines=[hub])
    seed_catalogue(vendor)  # the variants to pick from (seed() upserts it again afterwards)
    line = order.lines.get()
    quote = exchange_quote(
        order=order,
        scenario="non_quality",
        order_line=line,
        quantity=1,
        variant_id=CatalogVariant.objects.get(sku=f"{line.sku}-BLACK").pk,
        at=ago(b, 5),
    )
    rr = services.return_create(
        order=order,
        scenario="non_quality",
        lines=[(line, 1)],
        actor=Actor.customer(customer.email),
        attestations=attest,
        reason="I would rather have it in black.",
        exchange=quote,
        at=ago(b, 5),
    )
    b.evidence(rr)
    services.return_approve(return_request=rr, actor=agent, at=ago(b, 4))
    services.return_mark_shipped(
        return_request=rr,
        actor=Actor.customer(customer.email),
        carrier="",
        tracking_number="1Z999AA10123456784",
        at=ago(b, 3),
    )
    exchange = rr.resolutions.get(kind="exchange")
    services.resolution_verify_payment(
        resolution=exchange, actor=agent, transaction_id="PAY-SKY-1010", at=ago(b, 3)
    )
    services.resolution_mark_shipped(
        resolution=exchange,
        actor=agent,
        carrier="UPS",
        tracking_number="1Z999AA10123456785",
        at=ago(b, 2),
    )
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
        at=ago(b, 100),
    )
    b.evidence(first)
    services.return_approve(return_request=first, actor=agent, at=ago(b, 99))
    services.return_mark_shipped(
        return_request=first,
        actor=Actor.customer(customer.email),
        carrier="",
        tracking_number="1Z999AA10123456784",
        at=ago(b, 97),
    )
    services.return_mark_received(return_request=first, actor=agent, at=ago(b, 90))
    services.return_record_inspection(return_request=first, actor=agent, note="Sensor faulty.")
    services.return_replace(return_request=first, actor=agent, at=ago(b, 85))
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


def seed_generic(vendor: Vendor, agent: Actor) -> None:
    """For a vendor the demo has no hand-written cases for: one requested and one approved
    return for each scenario its policy handles, asked of the policy like any other."""
    policy = vendor.get_policy()
    b = Builder(vendor, "USD", str(vendor.operating_country))
    item = ("DEMO-1", "Demo product", 1, "80.00", "40.00", "0")
    for index, scenario in enumerate(policy.scenarios):
        for approve in (False, True):
            email = f"{scenario.value}-{'approved' if approve else 'requested'}@example.com"
            customer = b.customer(email, f"Demo customer {index + 1}")
            order = b.order(customer, placed_days_ago=5, delivered_days_ago=2, lines=[item])
            line = order.lines.get()
            asked = required_attestations(order=order, scenario=scenario.value, lines=[(line, 1)])
            try:
                rr = services.return_create(
                    order=order,
                    scenario=scenario.value,
                    lines=[(line, 1)],
                    actor=Actor.customer(email),
                    reason="Demo request.",
                    attestations=[a.value for a in asked],
                    wrong_item_option="return",
                    received_item_price=Decimal("80.00"),
                )
            except services.DomainError:
                continue  # the policy refuses this scenario without more facts; skip it
            b.evidence(rr)
            if approve:
                services.return_approve(return_request=rr, actor=agent)


# Hand-written demo cases, by policy key; every other registered policy gets seed_generic.
SCENARIOS = {"reolink": seed_reolink, "marketplace": seed_marketplace, "aqara": seed_aqara}


def seeder_for(policy_key: str):
    return SCENARIOS.get(policy_key, seed_generic)
