"""The demo data behind `make run`: three branded vendors, their agents, every scenario."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_scopes import scopes_disabled

from policies.registry import POLICIES
from rma.models import (
    CatalogVariant,
    Event,
    Order,
    Resolution,
    ReturnRequest,
    StatusCount,
    WarrantySolution,
)
from rma.services.rollups import rollups_drift
from tenancy.models import Membership, Vendor


@pytest.mark.django_db
def test_seed_demo_covers_each_vendor_and_is_rerunnable():
    call_command("seed_demo")
    # One demo vendor per registered policy that describes one (the suite's fourth included).
    expected = {k for k, p in POLICIES.items() if p.demo_vendor is not None}
    assert set(Vendor.objects.values_list("slug", flat=True)) == expected
    assert {"reolink", "marketplace", "aqara"} <= expected
    user_model = get_user_model()
    assert user_model.objects.get(username="admin").is_superuser
    for vendor in Vendor.objects.all():
        agent = user_model.objects.get(username=f"agent-{vendor.slug}")
        assert agent.check_password(f"demo-{vendor.slug}")
        assert Membership.objects.filter(user=agent, vendor=vendor).exists()
        assert vendor.logo and vendor.support_email
    with scopes_disabled():
        solution_states = set(WarrantySolution.objects.values_list("status", flat=True))
        assert solution_states == {
            "pending_confirm",
            "confirmed",
            "rejected",
            "submitted",
            "completed",
        }
        scenarios = set(
            ReturnRequest.objects.filter(vendor__slug="marketplace").values_list(
                "scenario", flat=True
            )
        )
        assert scenarios == {"non_quality", "wrong_item", "quality_defect"}
        aqara = set(
            ReturnRequest.objects.filter(vendor__slug="aqara").values_list("scenario", flat=True)
        )
        assert aqara == {"non_quality", "warranty_claim"}
        # A catalogue for the vendor whose policy offers exchanges, none for the others.
        catalogues = set(CatalogVariant.objects.values_list("vendor__slug", flat=True))
        assert catalogues == {"aqara"}
        # An exchange for another variant, its difference paid and the new item on its way.
        (exchange,) = Resolution.objects.filter(vendor__slug="aqara", kind="exchange")
        assert (exchange.state, exchange.makeup_amount) == ("in_progress", Decimal("10.00"))
        assert exchange.makeup_verified_at is not None and exchange.tracking_number
        assert exchange.return_request.exchange.variant.sku == f"{exchange.order_line.sku}-BLACK"
        # Every resolution kind a policy plans shows in the demo.
        kinds = set(Resolution.objects.values_list("kind", flat=True))
        assert {"compensation", "reshipment", "replacement", "repair", "exchange"} <= kinds
        counts = (Order.objects.count(), ReturnRequest.objects.count(), Event.objects.count())
        # the dashboard's rollups count every seeded case
        for vendor in Vendor.objects.all():
            assert rollups_drift(vendor=vendor) == [], vendor.slug
        assert StatusCount.objects.filter(vendor__slug="marketplace", cases__gt=0).exists()

    call_command("seed_demo")
    with scopes_disabled():
        assert (
            Order.objects.count(),
            ReturnRequest.objects.count(),
            Event.objects.count(),
        ) == counts
