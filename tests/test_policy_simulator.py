"""The admin's policy simulator asks the vendor's policy and saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from rma.models import Event, ReturnRequest

from .factories import OrderLineFactory


@pytest.fixture
def late_order(vendor_a):
    with scopes_disabled():
        delivered = timezone.now() - timedelta(days=40)
        return OrderLineFactory(
            order__vendor=vendor_a,
            vendor=vendor_a,
            order__placed_at=delivered - timedelta(days=3),
            order__delivered_at=delivered,
            order__number="LATE-1",
        ).order


def test_simulator_explains_a_refusal_by_rule_id(client, agent_a, vendor_a, late_order):
    client.force_login(agent_a)
    response = client.get(
        reverse("admin:rma_policy_simulator"),
        {
            "vendor": vendor_a.pk,
            "order_number": "LATE-1",
            "request": "return:quality_defect",
            "purchase_channel": "own_store",
            "currency": "EUR",
        },
    )
    assert response.status_code == 200
    decision = response.context["result"]["decision"]
    assert not decision.allowed
    assert "MKT-3" in {f.rule_id for f in decision.refusals}
    assert "MKT-3" in response.content.decode()
    with scopes_disabled():
        assert not ReturnRequest.objects.exists() and not Event.objects.exists()


def test_simulator_with_typed_facts_shows_refund_and_deadlines(client, agent_a, vendor_a):
    client.force_login(agent_a)
    now = timezone.now()
    response = client.get(
        reverse("admin:rma_policy_simulator"),
        {
            "vendor": vendor_a.pk,
            "request": "return:non_quality",
            "placed_at": (now - timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
            "delivered_at": (now - timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
            "unit_price": "100.00",
            "quantity": "1",
            "purchase_cost": "20",
            "export_postage": "5",
            "attestations": [
                "unused",
                "untested",
                "unprogrammed",
                "packaging_intact",
                "accessories_complete",
            ],
            "evidence_complete": "on",
            "purchase_channel": "own_store",
            "currency": "EUR",
            "country_of_purchase": "DE",
        },
    )
    result = response.context["result"]
    assert result["decision"].allowed
    assert str(result["refund"].total) == "75.00"
    assert {line.rule_id for line in result["refund"].lines} == {"MKT-6"}
    assert any(d.rule_id == "MKT-3" for d in result["deadlines"])


def test_simulator_offers_only_own_vendors(client, outsider_b, vendor_a, late_order):
    client.force_login(outsider_b)
    response = client.get(
        reverse("admin:rma_policy_simulator"),
        {
            "vendor": vendor_a.pk,
            "order_number": "LATE-1",
            "request": "return:quality_defect",
            "purchase_channel": "own_store",
            "currency": "EUR",
        },
    )
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "vendor" in response.context["form"].errors
