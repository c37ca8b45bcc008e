"""Cases made the way the portal makes them (order sync, return services), for tests of the
figures the services keep: the dashboard's rollups."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from rma import services
from rma.services import Actor
from rma.services.order_sync import CustomerData, LineData, OrderData, order_upsert
from rma.services.units import UnitData
from tests.rma.test_return_transitions import satisfy_evidence


def order_via_sync(
    vendor, number: str, *, skus=(("CAM-1", 2),), serials=(), days_ago: int = 4, shipped=True
):
    now = timezone.now()
    placed = now - timedelta(days=days_ago + 2)
    data = OrderData(
        number=number,
        customer=CustomerData(email=f"{number.lower()}@example.com", name="Kim"),
        placed_at=placed,
        country_of_purchase="DE",
        fields={
            "shipped_at": placed + timedelta(days=1) if shipped else None,
            "delivered_at": now - timedelta(days=days_ago) if shipped else None,
            "currency": "EUR",
        },
        address={"ship_name": "Kim", "ship_line1": "Main St 1", "ship_city": "Berlin"},
        lines=[
            LineData(
                sku=sku,
                name=f"Device {sku}",
                quantity=quantity,
                unit_price=Decimal("100.00"),
                units=[UnitData(s, batch=b) for s, b in serials] if i == 0 and serials else None,
            )
            for i, (sku, quantity) in enumerate(skus)
        ],
    )
    order, _created = order_upsert(vendor=vendor, data=data)
    return order


def return_via_services(order, scenario="quality_defect", serials=()):
    policy = order.vendor.get_policy()
    rr = services.return_create(
        order=order,
        scenario=scenario,
        lines=[(order.lines.order_by("id").first(), 1)],
        actor=Actor.customer(order.customer.email),
        reason="Does not power on.",
        attestations=[a.attestation for a in policy.required_attestations(scenario)],
        serials=serials,
    )
    satisfy_evidence(rr)
    return rr
