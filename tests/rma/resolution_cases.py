"""Cases with resolutions, made through the domain services (shared by service, API, admin
and browser tests)."""

from __future__ import annotations

from decimal import Decimal

from policies.facts import Attestation
from rma import services
from rma.models import ReturnRequest
from rma.services import Actor
from tests.portal.factories import order_with_line
from tests.rma.test_return_transitions import satisfy_evidence

AGENT = Actor.system("agent-in-test")


def keep_case(vendor, *, price: str = "80.00", received: str = "50.00") -> ReturnRequest:
    """MKT-7 option 1, approved: the customer keeps the wrong item (call inside its scope)."""
    order = order_with_line(vendor, delivered_days_ago=0)
    line = order.lines.first()
    line.unit_price = Decimal(price)
    line.save(update_fields=["unit_price"])
    rr = services.return_create(
        order=order,
        scenario="wrong_item",
        lines=[(line, 1)],
        actor=Actor.customer(order.customer.email),
        reason="A blue one instead of the black one.",
        attestations=[a.value for a in Attestation],
        wrong_item_option="keep",
        received_item_price=Decimal(received),
    )
    satisfy_evidence(rr)
    return services.return_approve(return_request=rr, actor=AGENT)


def defect_case(vendor) -> ReturnRequest:
    """An MKT-8 quality defect, approved and received back (call inside its scope)."""
    order = order_with_line(vendor, delivered_days_ago=3)
    rr = services.return_create(
        order=order,
        scenario="quality_defect",
        lines=[(order.lines.first(), 1)],
        actor=Actor.customer(order.customer.email),
        reason="Stops recording after a minute.",
        attestations=[a.value for a in Attestation],
    )
    satisfy_evidence(rr)
    services.return_approve(return_request=rr, actor=AGENT)
    return services.return_mark_received(return_request=rr, actor=AGENT)


def aqara_claim_received(vendor, *, serial: str = "AQ-HUB-1001") -> ReturnRequest:
    """An Aqara warranty claim, approved and received back: ready for its AQA-10 replacement
    (call inside its scope)."""
    order = order_with_line(vendor, delivered_days_ago=40, sku="HUB-G3-W", name="Camera Hub G3")
    rr = services.return_create(
        order=order,
        scenario="warranty_claim",
        lines=[(order.lines.first(), 1)],
        actor=Actor.customer(order.customer.email),
        reason="The hub no longer pairs with any sensor.",
        attestations=[a.value for a in Attestation],
        current_country="DE",
    )
    satisfy_evidence(rr)
    services.return_approve(return_request=rr, actor=AGENT)
    rr = services.return_mark_received(return_request=rr, actor=AGENT)
    return services.return_record_inspection(return_request=rr, actor=AGENT)


def aqara_exchange_approved(vendor, *, for_sku: str, order=None) -> ReturnRequest:
    """An Aqara non-quality return of ``order``'s first line (a new Camera Hub G3 order by
    default) asking for the catalogue variant ``for_sku`` instead of a refund, approved: its
    exchange resolution waits to ship (call inside its scope; the variant must be in the
    vendor's catalogue)."""
    from rma.models import CatalogVariant
    from rma.services.exchanges import exchange_quote

    if order is None:
        order = order_with_line(vendor, delivered_days_ago=2, sku="HUB-G3-W", name="Camera Hub G3")
    line = order.lines.first()
    quote = exchange_quote(
        order=order,
        scenario="non_quality",
        order_line=line,
        quantity=1,
        variant_id=CatalogVariant.objects.get(sku=for_sku).pk,
    )
    rr = services.return_create(
        order=order,
        scenario="non_quality",
        lines=[(line, 1)],
        actor=Actor.customer(order.customer.email),
        attestations=[a.value for a in Attestation],
        exchange=quote,
    )
    satisfy_evidence(rr)
    return services.return_approve(return_request=rr, actor=AGENT)
