"""Decisions a customer could once get wrong: over-returns across requests, returns before
delivery, two order changes at once, another vendor's rule on an approved return."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.context import decode_context
from notifications.emails import render as render_email
from notifications.models import OutboxMessage
from rma import services
from rma.models import OrderChangeRequest, ReturnRequest
from rma.services import Actor, DomainError, PolicyRefusal

from ..factories import MembershipFactory, UserFactory
from .factories import order_with_line, png_bytes
from .helpers import upload, url
from .test_returns import approved, signed_in, text_of

CUSTOMER = Actor.customer("customer@example.com")
AGENT = Actor.system("agent in test")
MONEY_BACK = ["undamaged", "accessories_complete", "gifts_included", "original_packaging"]


def two_unit_order(vendor, **kwargs):
    with scope(vendor=vendor):
        return order_with_line(vendor, quantity=2, delivered_days_ago=2, **kwargs)


def ask(order, quantity, scenario="quality_defect", **kwargs):
    with scope(vendor=order.vendor):
        line = order.lines.first()
        return services.return_create(
            order=order,
            scenario=scenario,
            lines=[(line, quantity)],
            actor=CUSTOMER,
            reason="Dead on arrival",
            **kwargs,
        )


def test_returned_quantity_counts_open_requests_of_the_order_line(market):
    order = two_unit_order(market)
    ask(order, 2)
    with pytest.raises(PolicyRefusal) as refused:
        ask(order, 1)
    assert "2 of the 2 you bought are already in other return requests" in str(
        refused.value.findings
    )
    with scopes_disabled():
        assert ReturnRequest.objects.filter(order=order).count() == 1


def test_three_units_in_two_requests_on_a_two_unit_order_are_refused(market):
    order = two_unit_order(market)
    ask(order, 1)
    ask(order, 1)
    with pytest.raises(PolicyRefusal):
        ask(order, 1)
    with scopes_disabled():
        assert (
            sum(
                line.quantity
                for rr in ReturnRequest.objects.filter(order=order)
                for line in rr.lines.all()
            )
            == 2
        )


def test_a_refunded_request_still_holds_its_units_a_rejected_one_gives_them_back(market):
    order = two_unit_order(market)
    first = ask(order, 1)
    second = ask(order, 1)
    with scope(vendor=market):
        services.return_reject(return_request=first, actor=AGENT, reason="Photos unclear")
        rr = approved(second)
        services.return_mark_shipped(
            return_request=rr, actor=AGENT, carrier="dhl", tracking_number="1234567890"
        )
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT, note="Confirmed")
        services.return_refund(return_request=rr, actor=AGENT)
    ask(order, 1)  # the rejected unit is free again
    with pytest.raises(PolicyRefusal):
        ask(order, 1)  # the refunded one and the new one hold both units


def test_the_simulator_counts_units_already_in_requests(client, market):
    order = two_unit_order(market, order__number="TWICE-1")
    ask(order, 2)
    agent = UserFactory(is_staff=True)
    MembershipFactory(user=agent, vendor=market)
    client.force_login(agent)
    response = client.get(
        reverse("admin:rma_policy_simulator"),
        {
            "vendor": market.pk,
            "order_number": "TWICE-1",
            "request": "return:quality_defect",
            "evidence_complete": "on",
            "purchase_channel": "own_store",
            "currency": "EUR",
        },
    )
    assert response.status_code == 200, response.text[:400]
    decision = response.context["result"]["decision"]
    assert not decision.allowed
    assert any("already in other return requests" in f.message for f in decision.refusals)


def test_no_return_before_delivery(client, aqara):
    now = timezone.now()
    with scope(vendor=aqara):
        order = order_with_line(
            aqara,
            placed_at=now - timedelta(days=3),
            shipped_at=now - timedelta(days=2),
            delivered_at=None,
        )
    with pytest.raises(PolicyRefusal) as refused:
        ask(order, 1, scenario="non_quality", attestations=MONEY_BACK)
    assert "has not been delivered yet" in str(refused.value.findings)
    with scopes_disabled():
        assert not ReturnRequest.objects.filter(order=order).exists()
    # The form says so at once, before any checkbox.
    signed_in(client, aqara, order)
    with scopes_disabled():
        line = order.lines.first()
    page = client.post(
        url("return_new", aqara),
        {"step": "choose", f"line_{line.pk}": 1, "scenario": "non_quality"},
    )
    assert page.status_code == 409
    assert "has not been delivered yet" in text_of(page)


def test_one_open_order_change_at_a_time(aqara):
    now = timezone.now()
    with scope(vendor=aqara):
        order = order_with_line(
            aqara, placed_at=now - timedelta(hours=2), shipped_at=None, delivered_at=None
        )
        services.order_change_request(order=order, kind="cancellation", actor=CUSTOMER)
        with pytest.raises(DomainError) as refused:
            services.order_change_request(
                order=order,
                kind="address_change",
                actor=CUSTOMER,
                address={
                    "ship_name": "A",
                    "ship_line1": "B 1",
                    "ship_city": "C",
                    "ship_postal_code": "1",
                },
            )
    assert "cancel the order" in refused.value.message and "still with support" in (
        refused.value.message
    )
    with scopes_disabled():
        assert list(
            OrderChangeRequest.objects.filter(order=order).values_list("kind", flat=True)
        ) == ["cancellation"]


def test_approved_aqara_return_cites_no_marketplace_rule(client, aqara):
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=2)
    signed_in(client, aqara, order)
    rr = ask(order, 1, scenario="non_quality", attestations=MONEY_BACK)
    with scope(vendor=aqara):
        services.evidence_add(
            return_request=rr, kind="photo", upload=upload("p.png", png_bytes()), actor=AGENT
        )
        services.return_approve(return_request=rr, actor=AGENT)
        email = OutboxMessage.objects.filter(kind="return_approved").last()
    page = text_of(client.get(url("return_detail", aqara, rr.public_id)))
    assert "MKT-" not in page
    assert email is not None
    _subject, text, html = render_email(
        vendor=aqara, kind="return_approved", context=decode_context(email.context), language="en"
    )
    assert "MKT-" not in text and "MKT-" not in html
