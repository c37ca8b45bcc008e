"""The test-only fourth vendor: its rules (BRT-1..BRT-4), and the same generic portal, services,
emails, API, admin simulator and demo that serve the real vendors, with no code of its own."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from policies import RequestKind, Scenario, get_policy
from policies.base import ResolutionFacts, ResolutionStage
from rma import services
from rma.models import ReturnRequest
from rma.services import Actor
from rma.services.access import return_access_request
from tests.api.factories import client_with, key_for, order_payload
from tests.factories import MembershipFactory, VendorFactory
from tests.policies import local, order, request
from tests.portal.factories import order_with_line
from tests.portal.helpers import url
from tests.portal.test_returns import signed_in, text_of

BRIGHT = get_policy("brightline", timezone="Europe/Berlin", country="DE")
BERLIN = "Europe/Berlin"


def delivered_order(days_ago: int):
    delivered = local(BERLIN, 2026, 6, 1, 12)
    placed = delivered - timedelta(days=3)
    facts = order(placed_at=placed, shipped_at=placed + timedelta(days=1), delivered_at=delivered)
    return facts, delivered


@pytest.mark.parametrize(
    ("days", "ok"),
    [
        pytest.param(0, True, id="same-day"),
        pytest.param(14, True, id="day-14"),
        pytest.param(15, False, id="day-15"),
    ],
)
def test_brt1_change_of_mind_within_14_days_of_delivery(days: int, ok: bool) -> None:
    facts, delivered = delivered_order(days)
    at = delivered + timedelta(days=days)
    decision = BRIGHT.decide(facts, request(at, scenario=Scenario.NON_QUALITY))
    assert decision.allowed is ok
    assert "BRT-1" in {f.rule_id for f in decision.findings}
    assert BRIGHT.reason_required(Scenario.NON_QUALITY) is False


def test_brt2_ups_only() -> None:
    assert [c.code for c in BRIGHT.named_carriers()] == ["ups"]
    assert BRIGHT.check_tracking("ups", "1z999aa1 0123456784").ok
    assert not BRIGHT.check_tracking("dhl", "1234567890").ok
    assert BRIGHT.check_tracking("ups", "1234567890").rule_id == "BRT-2"


def test_brt3_flat_restocking_fee_from_the_setting() -> None:
    facts, delivered = delivered_order(2)
    req = request(delivered + timedelta(days=2), scenario=Scenario.NON_QUALITY)
    breakdown = BRIGHT.refund(facts, req)
    assert breakdown.lines[-1].rule_id == "BRT-3"
    assert breakdown.total == breakdown.paid - Decimal("7.50")
    cheaper = get_policy("brightline", {"restocking_fee": "2.00"}).refund(facts, req)
    assert cheaper.total == breakdown.paid - Decimal("2.00")


def test_brt4_other_requests_are_out_of_scope() -> None:
    facts, delivered = delivered_order(2)
    decision = BRIGHT.decide(facts, request(delivered, kind=RequestKind.CANCELLATION))
    assert not decision.allowed and decision.refusals[0].rule_id == "BRT-4"
    claim = request(delivered, scenario=Scenario.WARRANTY_CLAIM)
    assert BRIGHT.decide(facts, claim).refusals[0].rule_id == "BRT-4"


def _refund_stage(policy, *, store_credit: bool, scenario=Scenario.NON_QUALITY):
    facts, delivered = delivered_order(2)
    req = request(delivered + timedelta(days=2), scenario=scenario)
    stage = ResolutionFacts(
        stage=ResolutionStage.REFUND, order=facts, request=req, store_credit=store_credit
    )
    return policy.refund(facts, req), policy.plan_resolutions(stage)


def test_brt5_a_chosen_store_credit_is_planned_instead_of_the_refund_same_amount():
    bright = get_policy("brightline")
    breakdown, (plan,) = _refund_stage(bright, store_credit=True)
    assert (plan.kind, plan.amount) == ("store_credit", breakdown.total)
    assert plan.lines == breakdown.lines and "BRT-5" in plan.rule_ids and "BRT-3" in plan.rule_ids
    _breakdown, (money,) = _refund_stage(bright, store_credit=False)
    assert (money.kind, money.amount) == ("refund", breakdown.total)
    assert "BRT-5" not in money.rule_ids


def test_brt5_store_credit_is_a_setting_and_never_for_a_quality_return():
    assert get_policy("brightline").offers_store_credit(Scenario.NON_QUALITY)
    off = get_policy("brightline", {"store_credit_refunds": False})
    assert not off.offers_store_credit(Scenario.NON_QUALITY)
    (plan,) = _refund_stage(off, store_credit=True)[1]
    assert plan.kind == "refund"  # a choice made where it was not offered pays money
    for key in ("marketplace", "aqara", "reolink"):  # none of the vendors' texts offer it
        assert not get_policy(key).offers_store_credit(Scenario.NON_QUALITY), key
    market = get_policy("marketplace", {"store_credit_refunds": True})
    assert market.offers_store_credit(Scenario.NON_QUALITY)
    assert not market.offers_store_credit(Scenario.QUALITY_DEFECT)


# -- through the generic portal, services, emails, API, simulator and demo -----------------


@pytest.fixture
def bright(db):
    return VendorFactory(slug="bright", name="Brightline Audio", policy_key="brightline")


def test_brt1_brt2_brt3_portal_journey_with_emails(client, bright):
    with scope(vendor=bright):
        order_ = order_with_line(bright, delivered_days_ago=3)
        access, password = return_access_request(
            vendor=bright, order_number=order_.number, email=order_.customer.email
        )
    assert client.post(url("access_login", bright, access.token), {"password": password})
    with scopes_disabled():
        line = order_.lines.get()
    form = client.post(
        url("return_new", bright),
        {"step": "choose", f"line_{line.pk}": 1, "scenario": "non_quality"},
    )
    assert form.status_code == 200
    # No reason is asked for (BRT-1): the request goes through with the field empty.
    sent = client.post(
        url("return_new", bright),
        {"step": "submit", f"line_{line.pk}": 1, "scenario": "non_quality", "reason": ""},
    )
    assert sent.status_code == 302, sent.text[:600]
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order_)
        assert rr.return_required and rr.policy_version == "brightline-test.1"
    with scope(vendor=bright):
        services.return_approve(return_request=rr, actor=Actor.system("agent"))
        rr.refresh_from_db()
    # The generic RMA number format, and no other vendor's rule or notice on the page.
    assert re.fullmatch(r"RMA\d{9}", rr.rma_number)
    page = client.get(url("return_detail", bright, rr.public_id)).text
    assert rr.rma_number in page and "UPS" in page
    assert not re.search(r"\b(MKT|REO|AQA)-\d+", page)
    refused = client.post(
        url("return_tracking", bright, rr.public_id),
        {"carrier": "ups", "tracking_number": "1234567890"},
    )
    assert "BRT-2" in refused.text
    client.post(
        url("return_tracking", bright, rr.public_id),
        {"carrier": "ups", "tracking_number": "1Z999AA10123456784"},
    )
    with scopes_disabled():
        rr.refresh_from_db()
        assert rr.status == "shipped"
        kinds = set(OutboxMessage.objects.filter(vendor=bright).values_list("kind", flat=True))
    assert {"return_access", "return_received_ack", "return_approved"} <= kinds


def test_brt1_brt3_api_request_and_refund(bright):
    api = client_with(key_for(bright)[1])
    assert api.post("/api/v1/orders/", order_payload(), format="json").status_code == 201
    created = api.post(
        "/api/v1/returns/",
        {"order": "SO-1", "scenario": "non_quality", "lines": [{"sku": "CAM-4K"}]},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {f["rule_id"] for f in body["decision"]["findings"]} == {"BRT-1", "BRT-3"}
    refused = api.post(
        "/api/v1/returns/",
        {"order": "SO-1", "scenario": "warranty_claim", "lines": [{"sku": "CAM-4K"}]},
        format="json",
    )
    assert refused.status_code == 422 and "BRT-4" in refused.content.decode()


def test_brt1_simulator_asks_the_registered_policy(client, bright):
    agent = MembershipFactory(vendor=bright, user__username="bea").user
    client.force_login(agent)
    now = timezone.now()
    response = client.get(
        reverse("admin:rma_policy_simulator"),
        {
            "vendor": bright.pk,
            "request": "return:non_quality",
            "placed_at": (now - timedelta(days=25)).strftime("%Y-%m-%d %H:%M"),
            "delivered_at": (now - timedelta(days=20)).strftime("%Y-%m-%d %H:%M"),
            "unit_price": "100.00",
            "quantity": "1",
            "purchase_channel": "own_store",
            "currency": "EUR",
            "country_of_purchase": "DE",
        },
    )
    assert response.status_code == 200
    decision = response.context["result"]["decision"]
    assert not decision.allowed and decision.refusals[0].rule_id == "BRT-1"


@pytest.mark.django_db
def test_brt1_demo_seeds_the_registered_vendor():
    call_command("seed_demo")
    with scopes_disabled():
        vendor = VendorFactory._meta.model.objects.get(slug="brightline")
        statuses = set(ReturnRequest.objects.filter(vendor=vendor).values_list("status", flat=True))
    assert vendor.name == "Brightline Audio"
    assert statuses == {"requested", "approved"}


def test_brt1_brt3_texts_read_in_german_from_the_shared_catalogue(client, bright):
    """Its messages are translated like any other string: the decision on the customer's page
    reads in German, with no German anywhere in its policy module."""
    with scope(vendor=bright):
        order_ = order_with_line(bright, delivered_days_ago=3)
        rr = services.return_create(
            order=order_,
            scenario="non_quality",
            lines=[(order_.lines.get(), 1)],
            actor=Actor.customer(order_.customer.email),
        )
    signed_in(client, bright, order_)
    try:
        page = text_of(
            client.get(url("return_detail", bright, rr.public_id), HTTP_ACCEPT_LANGUAGE="de")
        )
    finally:
        translation.activate("en")
    assert "Vor 3 Tagen zugestellt, innerhalb der 14-tägigen Frist" in page
    assert "Eine pauschale Wiedereinlagerungsgebühr von 7.50" in page
    assert "Delivered" not in page


def test_brt1_brt3_agent_works_the_case_in_the_admin(client, bright):
    """An agent of the fourth vendor approves, receives, inspects and refunds in the admin's
    generic case actions; the page cites its rules and no other vendor's."""
    agent = MembershipFactory(vendor=bright, user__username="bright-agent").user
    with scope(vendor=bright):
        order_ = order_with_line(bright, delivered_days_ago=3)
        rr = services.return_create(
            order=order_,
            scenario="non_quality",
            lines=[(order_.lines.get(), 1)],
            actor=Actor.customer(order_.customer.email),
        )
    client.force_login(agent)
    steps = [
        ("approve", {}, "approved"),
        ("mark_shipped", {"carrier": "ups", "tracking_number": "1Z999AA10123456784"}, "shipped"),
        ("mark_received", {}, "received"),
        ("inspect", {"ratio": "1", "note": "As new."}, "inspected"),
        ("refund", {}, "refunded"),
    ]
    for action, data, status in steps:
        response = client.post(
            reverse("admin:rma_returnrequest_action", args=[rr.pk, action]), data
        )
        assert response.status_code == 302, (action, response.status_code)
        with scopes_disabled():
            rr.refresh_from_db()
        assert rr.status == status, (action, rr.status)
    page = client.get(reverse("admin:rma_returnrequest_change", args=[rr.pk])).text
    assert "BRT-3" in page  # the flat restocking fee's line, by its rule
    assert not re.search(r"\b(MKT|REO|AQA)-\d+", page)
