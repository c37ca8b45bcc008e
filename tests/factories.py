"""factory_boy factories for vendors, staff and the RMA domain."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from rma.models import Customer, Order, OrderLine
from tenancy.models import Membership, Vendor


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    slug = factory.Sequence(lambda n: f"vendor-{n}")
    name = factory.Sequence(lambda n: f"Vendor {n}")
    policy_key = "marketplace"
    time_zone = "Europe/Berlin"
    operating_country = "DE"
    support_email = factory.LazyAttribute(lambda v: f"support@{v.slug}.example")
    sender_email = factory.LazyAttribute(lambda v: f"no-reply@{v.slug}.example")
    return_address = "Returns Dept.\nLagerstraße 1\n10115 Berlin\nGermany"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.example")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-only")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    vendor = factory.SubFactory(VendorFactory)
    role = Membership.Role.AGENT


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    vendor = factory.SubFactory(VendorFactory)
    email = factory.Sequence(lambda n: f"customer{n}@mail.example")
    name = factory.Faker("name")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    vendor = factory.SubFactory(VendorFactory)
    customer = factory.SubFactory(CustomerFactory, vendor=factory.SelfAttribute("..vendor"))
    number = factory.Sequence(lambda n: f"ORD-{100000 + n}")
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    shipped_at = factory.LazyAttribute(lambda o: o.placed_at + timedelta(days=1))
    delivered_at = factory.LazyAttribute(lambda o: o.placed_at + timedelta(days=3))
    tracking_number = "1Z999AA10123456784"
    country_of_purchase = "DE"
    currency = "EUR"
    ship_name = factory.Faker("name")
    ship_line1 = "Hauptstraße 5"
    ship_city = "Berlin"
    ship_postal_code = "10115"
    ship_country = "DE"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    vendor = factory.SelfAttribute("order.vendor")
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    name = "Smart camera"
    quantity = 1
    unit_price = Decimal("100.00")
    purchase_cost = Decimal("20.00")
    export_postage = Decimal("5.00")


def tiny_png(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (8, 8)) -> bytes:
    """A real PNG, for evidence rows and uploads."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_case_graph(vendor: Vendor) -> dict:
    """One row of every tenant model for ``vendor``, built directly (no policy involved)."""
    import hashlib
    import uuid

    from django.core.files.base import ContentFile

    from rma.models import (
        ActorKind,
        Event,
        Evidence,
        ReturnLine,
        ReturnRequest,
        SolutionLine,
        WarrantySolution,
    )

    line = OrderLineFactory(order__vendor=vendor, vendor=vendor)
    order = line.order
    solution = WarrantySolution.objects.create(
        vendor=vendor, order=order, kind="replacement", currency=order.currency
    )
    SolutionLine.objects.create(
        vendor=vendor, solution=solution, order_line=line, sku=line.sku, name=line.name
    )
    rr = ReturnRequest.objects.create(
        vendor=vendor,
        public_id=uuid.uuid4(),
        order=order,
        customer=order.customer,
        scenario="quality_defect",
        requested_at=timezone.now(),
        policy_version="test",
        tracking_number=f"TRK{vendor.pk}X",
    )
    ReturnLine.objects.create(vendor=vendor, request=rr, order_line=line, quantity=1)
    png = tiny_png()
    evidence = Evidence(
        vendor=vendor,
        return_request=rr,
        kind="photo",
        content_type="image/png",
        size=len(png),
        sha256=hashlib.sha256(png).hexdigest(),
        width=8,
        height=8,
    )
    evidence.file.save("photo.png", ContentFile(png), save=False)
    evidence.save()
    event = Event.objects.create(
        vendor=vendor, return_request=rr, action="requested", actor_kind=ActorKind.SYSTEM
    )
    from rma.models import OrderChangeRequest, ReturnAccess

    access = ReturnAccess.objects.create(
        vendor=vendor,
        order=order,
        email=order.customer.email,
        token=f"token-{uuid.uuid4().hex}",
        password_hash="!",
        expires_at=timezone.now() + timedelta(days=14),
    )
    change = OrderChangeRequest.objects.create(
        vendor=vendor,
        order=order,
        customer=order.customer,
        kind="cancellation",
        policy_version="test",
        requested_at=timezone.now(),
    )
    from rma.models import Unit

    unit = Unit.objects.create(
        vendor=vendor, serial=f"SN-{uuid.uuid4().hex[:12]}", sku=line.sku, order_line=line
    )
    from rma.models import ClaimFlag, UnitRegistration

    registration = UnitRegistration(
        vendor=vendor,
        unit=unit,
        customer=order.customer,
        order=order,
        bought_elsewhere=True,
        seller="Gadget Shop",
        purchased_on=order.placed_at.date(),
        proof_content_type="image/png",
        proof_size=len(png),
        proof_sha256=hashlib.sha256(png).hexdigest(),
    )
    registration.proof.save("receipt.png", ContentFile(png), save=False)
    registration.save()
    ClaimFlag.objects.create(
        vendor=vendor,
        request=rr,
        kind="serial_claimed",
        serial=unit.serial,
        rule_id="TST-1",
        message={
            "id": "Serial %(serial)s is already in %(open)s open and %(completed)s "
            "completed claim(s)",
            "params": {"serial": unit.serial, "open": 1, "completed": 0},
        },
    )
    from rma.models import CatalogProduct, CatalogVariant

    product = CatalogProduct.objects.create(
        vendor=vendor, handle=f"prod-{uuid.uuid4().hex[:8]}", name=f"{line.name} product"
    )
    CatalogVariant.objects.create(
        vendor=vendor,
        product=product,
        sku=f"V-{uuid.uuid4().hex[:8]}",
        price=line.unit_price,
        currency=order.currency,
    )
    return {
        "catalogproduct": product,
        "unit": unit,
        "unitregistration": registration,
        "customer": order.customer,
        "order": order,
        "orderline": line,
        "warrantysolution": solution,
        "returnrequest": rr,
        "evidence": evidence,
        "event": event,
        "returnaccess": access,
        "orderchangerequest": change,
        "vendor": vendor,
    }
